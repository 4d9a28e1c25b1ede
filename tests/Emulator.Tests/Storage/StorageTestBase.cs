using PullWorker.Emulator.Storage;

namespace PullWorker.Emulator.Tests.Storage;

/// <summary>
/// One in-memory storage emulator on a free port per fixture, and a fresh bucket per test so tests
/// never see each other's objects.
/// </summary>
public abstract class StorageTestBase
{
    private static int _bucketCounter;

    private protected StorageEmulator Emulator { get; private set; } = null!;

    private protected StorageClient Client { get; private set; } = null!;

    /// <summary>A bucket created for the current test.</summary>
    protected string Bucket { get; private set; } = "";

    protected virtual EmulatorOptions Options => EmulatorOptions.DynamicPorts;

    [OneTimeSetUp]
    public async Task StartEmulatorAsync()
    {
        Emulator = await StorageEmulator.StartAsync(Options, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Client = StorageClient.For(Emulator.EmulatorHost);
    }

    [OneTimeTearDown]
    public async Task StopEmulatorAsync()
    {
        Client?.Dispose();
        if (Emulator is not null)
        {
            await Emulator.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    [SetUp]
    public void CreateBucket()
    {
        Emulator.Faults.Reset();
        Bucket = $"test-bucket-{Interlocked.Increment(ref _bucketCounter)}";
        Emulator.CreateBucket(Bucket);
    }
}
