namespace PullWorker.Worker.Options;

/// <summary>Section <c>FlowControl</c>: how much the worker takes from Pub/Sub before acking any of it.</summary>
public sealed class FlowControlOptions
{
    public const string Section = "FlowControl";

    /// <summary>
    /// Messages handed to the worker at once (each stream may fetch this many, see <c>Subscriber:ClientCount</c>).
    /// 0 (the default) means four batches
    /// (4 x <c>Batching:MaxBatchSize</c>): one on the device, one being assembled, and two more decoding or
    /// writing, which keeps the device busy without leasing work another worker could take.
    /// </summary>
    public int MaxOutstandingMessages { get; set; }

    /// <summary>Bytes of message data held unacked at once, split between the <c>Subscriber:ClientCount</c> streams. Default 100 MB.</summary>
    public long MaxOutstandingBytes { get; set; } = 100_000_000;

    /// <summary>The effective message limit for a given batch size.</summary>
    public int EffectiveMaxOutstandingMessages(int maxBatchSize) =>
        MaxOutstandingMessages > 0 ? MaxOutstandingMessages : 4 * maxBatchSize;
}
