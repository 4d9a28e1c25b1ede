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
    /// Opens a stream. The flow limits are the subscriber's split across its streams: the service applies
    /// them per stream, so sending the full limits on each would let it push StreamCount times too many
    /// (google-cloud-dotnet#10358), where they would wait and age in the held queue.
    /// </summary>
    public StreamingPullRequest FirstRequest() => new()
    {
        Subscription = Subscription,
        StreamAckDeadlineSeconds = Timing.DeadlineSeconds,
        ClientId = ClientId,
        MaxOutstandingMessages = CeilingDivide(Settings.MaxOutstandingMessages, Settings.StreamCount),
        MaxOutstandingBytes = CeilingDivide(Settings.MaxOutstandingBytes, Settings.StreamCount),
        ProtocolVersion = 1,
    };

    private static long CeilingDivide(long value, int parts) => (value + parts - 1) / parts;
}
