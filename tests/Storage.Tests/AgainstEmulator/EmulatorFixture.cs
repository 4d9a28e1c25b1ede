using Microsoft.Extensions.DependencyInjection;
using PullWorker.Emulator;
using PullWorker.Emulator.Storage;
using PullWorker.Storage.Tests.TestSupport;

namespace PullWorker.Storage.Tests.AgainstEmulator;

/// <summary>
/// A real storage emulator on a dynamic port per fixture, and the client built by AddGcsStorage pointing at it over
/// real sockets. Faults are reset before every test.
/// </summary>
public abstract class EmulatorFixture
{
    protected const string ResultsBucket = "results-bucket";

    protected StorageEmulator Emulator { get; private set; } = null!;

    protected ServiceProvider Services { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartEmulatorAsync()
    {
        Emulator = await StorageEmulator.StartAsync(EmulatorOptions.DynamicPorts, CancellationToken.None).DefaultTimeout();
        Emulator.CreateBucket(ResultsBucket);

        Services = BuildServices(Emulator.EmulatorHost);
    }

    [SetUp]
    public void ResetFaults() => Emulator.Faults.Reset();

    [OneTimeTearDown]
    public async Task StopEmulatorAsync()
    {
        await Services.DisposeAsync();
        await Emulator.DisposeAsync().AsTask().DefaultTimeout();
    }

    /// <summary>The stored object, read through the emulator's hook; fails the test when it does not exist.</summary>
    protected StoredObject Stored(string bucket, string name) =>
        Emulator.TryGetObject(bucket, name, out var stored)
            ? stored
            : throw new AssertionException($"gs://{bucket}/{name} was not stored");

    protected virtual ServiceProvider BuildServices(string emulatorHost) => StorageServices.Build(emulatorHost);

    /// <summary>A per-test prefix, so tests in one fixture never see each other's objects.</summary>
    protected static string UniquePrefix() => $"t-{Guid.NewGuid():N}/";
}
