using System.Threading.Channels;

namespace PullWorker.Emulator.PubSub.Streaming;

/// <summary>
/// An auto-reset wake-up for one waiting consumer (a stream's writer or a long-polling Pull): set whenever
/// messages or flow-control room may have appeared, so consumers never poll. Setting it twice before the
/// consumer wakes is one wake-up; the consumer drains everything it can before waiting again.
/// </summary>
internal sealed class DeliverySignal
{
    private readonly Channel<bool> _pulses = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public void Set() => _pulses.Writer.TryWrite(true);

    public async ValueTask WaitAsync(CancellationToken cancellationToken) =>
        await _pulses.Reader.ReadAsync(cancellationToken);
}
