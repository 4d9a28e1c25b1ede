using PullWorker.Emulator.PubSub;
using PullWorker.Emulator.Storage;

namespace PullWorker.Emulator;

/// <summary>
/// The local stand-in for Google Cloud: a Pub/Sub gRPC server and a Cloud Storage JSON API server, both
/// in memory, each on its own port. Used by its own program (src/Emulator), by tests (dynamic ports) and by the
/// demo (src/Tools).
/// </summary>
public sealed class EmulatorServer : IAsyncDisposable
{
    private EmulatorServer(PubSubEmulator pubSub, StorageEmulator storage)
    {
        PubSub = pubSub;
        Storage = storage;
    }

    /// <summary>The Pub/Sub server: its state and its test hooks (fault injection, pausing).</summary>
    public PubSubEmulator PubSub { get; }

    /// <summary>The Cloud Storage server: its objects and its test hooks (injected errors, latency).</summary>
    public StorageEmulator Storage { get; }

    /// <summary>The value for <c>PUBSUB_EMULATOR_HOST</c>: <c>host:port</c>.</summary>
    public string PubSubEmulatorHost => PubSub.EmulatorHost;

    /// <summary>The value for <c>STORAGE_EMULATOR_HOST</c>: <c>http://host:port</c>.</summary>
    public string StorageEmulatorHost => Storage.EmulatorHost;

    public static async Task<EmulatorServer> StartAsync(EmulatorOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var pubSub = await PubSubEmulator.StartAsync(options, cancellationToken);
        try
        {
            var storage = await StorageEmulator.StartAsync(options, cancellationToken);
            return new EmulatorServer(pubSub, storage);
        }
        catch
        {
            await pubSub.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await PubSub.DisposeAsync();
        await Storage.DisposeAsync();
    }
}
