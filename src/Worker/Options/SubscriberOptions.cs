namespace PullWorker.Worker.Options;

/// <summary>
/// Section <c>Subscriber</c>: how Google's <c>SubscriberClient</c> pulls and holds leases. Defaults suit one GPU
/// worker: one StreamingPull stream (plenty below ~10 MB/s of messages), leases renewed well before they lapse.
/// </summary>
public sealed class SubscriberOptions
{
    public const string Section = "Subscriber";

    /// <summary>
    /// StreamingPull streams, each on its own gRPC channel. Default 1, never the CPU count (the client library's own
    /// default): each stream fetches up to the <c>FlowControl</c> limits on its own, so 2 streams may hold twice them.
    /// </summary>
    public int ClientCount { get; set; } = 1;

    /// <summary>The lease each pulled message gets, from 10 s to 10 min. Default 60 s.</summary>
    public TimeSpan AckDeadline { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long before a lease runs out it is extended. Default 15 s.</summary>
    public TimeSpan AckExtensionWindow { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The longest one message's lease is extended before Pub/Sub may redeliver it. Default 60 min.</summary>
    public TimeSpan MaxTotalAckExtension { get; set; } = TimeSpan.FromMinutes(60);
}
