namespace PullWorker.Emulator.PubSub;

/// <summary>
/// Keeps the embedded web host from reacting to Ctrl-C or SIGTERM itself (the default console lifetime
/// would stop the server and swallow the signal): the emulator is stopped by whoever owns it, through
/// <see cref="PubSubEmulator.DisposeAsync"/>, whether that is the emulator's program, a test or the demo.
/// </summary>
internal sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
