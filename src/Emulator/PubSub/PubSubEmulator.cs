namespace PullWorker.Emulator.PubSub;

// Scaffold: replaced by the Pub/Sub emulator implementation.
public sealed class PubSubEmulator : IAsyncDisposable
{
    public string EmulatorHost => throw new NotImplementedException();

    public static Task<PubSubEmulator> StartAsync(EmulatorOptions options, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
