namespace PullWorker.Emulator.PubSub;

/// <summary>A snapshot of one subscription's delivery bookkeeping, for tests and benchmarks.</summary>
/// <param name="Backlog">Messages not yet acknowledged: undelivered plus outstanding (num_undelivered_messages).</param>
/// <param name="Outstanding">Delivered and not yet acked, nacked or expired.</param>
/// <param name="Delivered">Running total of deliveries, redeliveries included.</param>
/// <param name="Acked">Running total of acknowledged messages.</param>
/// <param name="Nacked">Running total of nacks (ModifyAckDeadline with 0).</param>
/// <param name="Expired">Running total of ack deadlines that passed without an ack.</param>
public sealed record SubscriptionStats(int Backlog, int Outstanding, long Delivered, long Acked, long Nacked, long Expired);
