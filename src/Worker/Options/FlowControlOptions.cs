namespace PullWorker.Worker.Options;

/// <summary>Section <c>FlowControl</c>: how much the worker takes from Pub/Sub before acking any of it.</summary>
public sealed class FlowControlOptions
{
    public const string SectionName = "FlowControl";

    /// <summary>
    /// Messages handed to the worker at once (each stream may fetch this many, see <c>Subscriber:ClientCount</c>).
    /// 0 (the default) means eight batches (8 x <c>Batching:MaxBatchSize</c>): one on the device, one being
    /// assembled, and the rest decoding, writing or waiting for their ack to reach Pub/Sub, which the stream needs
    /// before it sends more. Four batches left the device idle on those round trips: a 200,000-job backlog of a small
    /// model drained at 3,300 jobs/s with four, 8,400 with eight (docs/benchmarks/report.md, backlog part).
    /// </summary>
    public int MaxOutstandingMessages { get; set; }

    /// <summary>Bytes of message data held unacked at once, split between the <c>Subscriber:ClientCount</c> streams. Default 100 MB.</summary>
    public long MaxOutstandingBytes { get; set; } = 100_000_000;

    /// <summary>The effective message limit for a given batch size.</summary>
    public int EffectiveMaxOutstandingMessages(int maxBatchSize) =>
        MaxOutstandingMessages > 0 ? MaxOutstandingMessages : 8 * maxBatchSize;
}
