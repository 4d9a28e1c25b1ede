using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PullWorker.Emulator;
using PullWorker.Emulator.Storage;
using PullWorker.Worker.Storage;

namespace PullWorker.Worker.Tests.Fixtures;

/// <summary>
/// The storage emulator on a dynamic port per fixture, with a results and an inputs bucket, and the
/// <see cref="Google.Cloud.Storage.V1.StorageClient"/> that AddCloudStorage builds (as in the worker) pointing at it over real sockets. Retries are
/// the real pipeline's with millisecond delays, so tests that inject faults stay fast. Faults are reset before every test.
/// </summary>
public abstract class StorageEmulatorFixture
{
    protected const string ResultsBucket = "results-bucket";
    protected const string InputsBucket = "inputs-bucket";

    private static readonly TimeSpan SetUpTimeout = TimeSpan.FromSeconds(30);

    protected StorageEmulator Emulator { get; private set; } = null!;

    protected ServiceProvider Services { get; private set; } = null!;

    protected Google.Cloud.Storage.V1.StorageClient Client => Services.GetRequiredService<Google.Cloud.Storage.V1.StorageClient>();

    protected IOptions<StorageOptions> Options => Services.GetRequiredService<IOptions<StorageOptions>>();

    /// <summary><c>Storage:*</c> settings a fixture adds to, or overrides in, the test defaults.</summary>
    protected virtual IReadOnlyDictionary<string, string?> StorageSettings { get; } = new Dictionary<string, string?>();

    [OneTimeSetUp]
    public async Task StartEmulatorAsync()
    {
        Emulator = await StorageEmulator.StartAsync(EmulatorOptions.DynamicPorts, CancellationToken.None).WaitAsync(SetUpTimeout);
        Emulator.CreateBucket(ResultsBucket);
        Emulator.CreateBucket(InputsBucket);

        var settings = new Dictionary<string, string?>
        {
            ["STORAGE_EMULATOR_HOST"] = Emulator.EmulatorHost,
            ["Storage:RetryBaseDelay"] = "00:00:00.001",
            ["Storage:RetryMaxDelay"] = "00:00:00.010",
            ["Storage:RetryAttempts"] = "10",
        };
        foreach (var (key, value) in StorageSettings)
        {
            settings[key] = value;
        }

        Services = new ServiceCollection()
            .AddLogging()
            .AddCloudStorage(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    [SetUp]
    public void ResetFaults() => Emulator.Faults.Reset();

    [OneTimeTearDown]
    public async Task StopEmulatorAsync()
    {
        await Services.DisposeAsync();
        await Emulator.DisposeAsync().AsTask().WaitAsync(SetUpTimeout);
    }

    /// <summary>The stored object, read through the emulator's hook; fails the test when it does not exist.</summary>
    protected StoredObject Stored(string bucket, string name) =>
        Emulator.TryGetObject(bucket, name, out var stored)
            ? stored
            : throw new AssertionException($"gs://{bucket}/{name} was not stored");

    /// <summary>A per-test prefix, so tests in one fixture never see each other's objects.</summary>
    protected static string UniquePrefix() => $"t-{Guid.NewGuid():N}/";
}
