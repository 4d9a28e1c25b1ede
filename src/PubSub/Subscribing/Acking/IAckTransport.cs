namespace PullWorker.PubSub.Subscribing.Acking;

/// <summary>The two unary RPCs that settle and extend leases (a seam for tests).</summary>
internal interface IAckTransport
{
    Task AcknowledgeAsync(IReadOnlyList<string> ackIds, CancellationToken cancellationToken);

    Task ModifyAckDeadlineAsync(IReadOnlyList<string> ackIds, int deadlineSeconds, CancellationToken cancellationToken);
}
