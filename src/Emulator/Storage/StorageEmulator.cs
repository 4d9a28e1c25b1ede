namespace PullWorker.Emulator.Storage;

// Scaffold: replaced by the Pub/Sub emulator implementation.
public sealed class StorageEmulator : IAsyncDisposable
{
    public string EmulatorHost => throw new NotImplementedException();

    public static Task<StorageEmulator> StartAsync(EmulatorOptions options, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
