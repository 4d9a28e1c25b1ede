using Google.Cloud.PubSub.V1;
using PullWorker.PubSub.Connection;

namespace PullWorker.PubSub.Subscribing.Acking;

/// <summary>Acknowledge and ModifyAckDeadline as unary calls (as the official clients send them), spread over the channels.</summary>
internal sealed class GrpcAckTransport(PubSubConnection connection, string subscription, TimeProvider time) : IAckTransport
{
    /// <summary>The per-attempt timeout of the official retry config for these RPCs.</summary>
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(60);

    public async Task AcknowledgeAsync(IReadOnlyList<string> ackIds, CancellationToken cancellationToken)
    {
        var request = new AcknowledgeRequest { Subscription = subscription, AckIds = { ackIds } };
        await connection.NextSubscriber().AcknowledgeAsync(request, CallOptions(cancellationToken));
    }

    public async Task ModifyAckDeadlineAsync(IReadOnlyList<string> ackIds, int deadlineSeconds, CancellationToken cancellationToken)
    {
        var request = new ModifyAckDeadlineRequest
        {
            Subscription = subscription,
            AckDeadlineSeconds = deadlineSeconds,
            AckIds = { ackIds },
        };
        await connection.NextSubscriber().ModifyAckDeadlineAsync(request, CallOptions(cancellationToken));
    }

    private Grpc.Core.CallOptions CallOptions(CancellationToken cancellationToken) =>
        PubSubConnection.RoutedCall("subscription", subscription, time.GetUtcNow().UtcDateTime + AttemptTimeout, cancellationToken);
}
