using Google.Cloud.PubSub.V1;
using Microsoft.Extensions.Logging;

namespace PullWorker.PubSub.Subscribing;

/// <summary>What every stream of one subscriber shares.</summary>
internal sealed record StreamContext(
    string Subscription,
    string ClientId,
    string Identity,
    SubscriberSettings Settings,
    LeaseTiming Timing,
    SubscriberMetrics Metrics,
    TimeProvider Time,
    ILogger Logger)
{
    /// <summary>
    /// Opens a stream. The service applies max_outstanding_* per stream and counts a message until its ack
    /// arrives, so the budgets sent are sized on purpose: the full limits on every stream would let it
    /// push StreamCount times too many, to wait and age in the held queue (google-cloud-dotnet#10358);
    /// exactly the limits split across streams would stall the pipe for every ack-flush round trip.
    /// Twice the limits, split, keeps the next batch in flight while the handler holds its maximum; the
    /// held queue (itself bounded by the limits) absorbs it, leased.
    /// </summary>
    public StreamingPullRequest FirstRequest() => new()
    {
        Subscription = Subscription,
        StreamAckDeadlineSeconds = Timing.DeadlineSeconds,
        ClientId = ClientId,
        MaxOutstandingMessages = CeilingDivide(2L * Settings.MaxOutstandingMessages, Settings.StreamCount),
        MaxOutstandingBytes = CeilingDivide(2 * Settings.MaxOutstandingBytes, Settings.StreamCount),
        ProtocolVersion = 1,
    };

    /// <summary>
    /// The periodic request on an open stream: empty, unless the lease learned from processing times now
    /// differs from <paramref name="sentDeadlineSeconds"/>, the last one this stream sent. The service then
    /// gives messages it sends from here on that lease (stream_ack_deadline_seconds may be updated after
    /// the first request), so whatever a crash strands comes back after it rather than the initial one.
    /// </summary>
    public StreamingPullRequest KeepAlive(int sentDeadlineSeconds)
    {
        var deadline = Timing.DeadlineSeconds;
        return deadline == sentDeadlineSeconds ? new StreamingPullRequest() : new StreamingPullRequest { StreamAckDeadlineSeconds = deadline };
    }

    private static long CeilingDivide(long value, int parts) => (value + parts - 1) / parts;
}
