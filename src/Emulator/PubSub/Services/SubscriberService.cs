using Google.Cloud.PubSub.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using PullWorker.Emulator.PubSub.State;
using PullWorker.Emulator.PubSub.Streaming;
using PullWorker.Emulator.PubSub.Validation;

namespace PullWorker.Emulator.PubSub.Services;

/// <summary>The Subscriber service: admin, unary Pull/ack/modack, and StreamingPull sessions.</summary>
internal sealed class SubscriberService(PubSubBroker broker) : Subscriber.SubscriberBase
{
    public override Task<Subscription> CreateSubscription(Subscription request, ServerCallContext context)
    {
        ResourceNames.Validate(request.Name, ResourceNames.Subscriptions, "name");
        ResourceNames.Validate(request.Topic, ResourceNames.Topics, "topic");
        return Task.FromResult(broker.CreateSubscription(request));
    }

    public override Task<Subscription> GetSubscription(GetSubscriptionRequest request, ServerCallContext context)
    {
        ResourceNames.Validate(request.Subscription, ResourceNames.Subscriptions, "subscription");
        return Task.FromResult(broker.FindSubscription(request.Subscription).Describe());
    }

    public override Task<Empty> DeleteSubscription(DeleteSubscriptionRequest request, ServerCallContext context)
    {
        ResourceNames.Validate(request.Subscription, ResourceNames.Subscriptions, "subscription");
        broker.DeleteSubscription(request.Subscription);
        return Task.FromResult(new Empty());
    }

    public override Task<Empty> Acknowledge(AcknowledgeRequest request, ServerCallContext context)
    {
        ResourceNames.Validate(request.Subscription, ResourceNames.Subscriptions, "subscription");
        var ackIds = ParseRequired(request.AckIds, "ack_ids");
        broker.FindSubscription(request.Subscription).Acknowledge(ackIds);
        return Task.FromResult(new Empty());
    }

    public override Task<Empty> ModifyAckDeadline(ModifyAckDeadlineRequest request, ServerCallContext context)
    {
        ResourceNames.Validate(request.Subscription, ResourceNames.Subscriptions, "subscription");
        if (request.AckDeadlineSeconds is < 0 or > SubscriptionSettings.MaxAckDeadlineSeconds)
        {
            throw RpcErrors.InvalidArgument(
                $"Invalid ack_deadline_seconds ({request.AckDeadlineSeconds}): it must be between 0 and 600.");
        }

        var ackIds = ParseRequired(request.AckIds, "ack_ids");
        broker.FindSubscription(request.Subscription).ModifyAckDeadline(ackIds, request.AckDeadlineSeconds);
        return Task.FromResult(new Empty());
    }

    /// <summary>Waits until at least one message is available, unless return_immediately is set.</summary>
    public override async Task<PullResponse> Pull(PullRequest request, ServerCallContext context)
    {
        ResourceNames.Validate(request.Subscription, ResourceNames.Subscriptions, "subscription");
        if (request.MaxMessages <= 0)
        {
            throw RpcErrors.InvalidArgument($"Invalid max_messages ({request.MaxMessages}): it must be greater than 0.");
        }

        var subscription = broker.FindSubscription(request.Subscription);
        var signal = new DeliverySignal();
        subscription.AddWaiter(signal);
        try
        {
            while (true)
            {
                await signal.WaitAsync(context.CancellationToken);
                if (subscription.IsClosed)
                {
                    throw RpcErrors.NotFound("subscription", request.Subscription);
                }

                var batch = subscription.TakeBatch(stream: null, request.MaxMessages);
#pragma warning disable CS0612 // return_immediately is deprecated, but clients still send it.
                if (batch.Count > 0 || request.ReturnImmediately)
#pragma warning restore CS0612
                {
                    var response = new PullResponse();
                    response.ReceivedMessages.AddRange(batch);
                    return response;
                }
            }
        }
        finally
        {
            subscription.RemoveWaiter(signal);
        }
    }

    public override async Task StreamingPull(
        IAsyncStreamReader<StreamingPullRequest> requestStream,
        IServerStreamWriter<StreamingPullResponse> responseStream,
        ServerCallContext context)
    {
        if (!await requestStream.MoveNext(context.CancellationToken))
        {
            return;
        }

        var first = requestStream.Current;
        StreamingPullRules.CheckFirst(first);
        var session = new StreamingPullSession(broker.FindSubscription(first.Subscription), first);
        session.Apply(first);
        broker.RegisterStream(session);
        session.Subscription.AddWaiter(session.Signal);
        try
        {
            // A subscription deleted between lookup and registration would otherwise leave this stream open forever.
            if (session.Subscription.IsClosed)
            {
                throw RpcErrors.NotFound("subscription", first.Subscription);
            }

            await session.RunAsync(requestStream, responseStream, context.CancellationToken);
        }
        finally
        {
            session.Subscription.RemoveWaiter(session.Signal);
            broker.UnregisterStream(session);
        }
    }

    private static List<AckId> ParseRequired(IReadOnlyList<string> ackIds, string field) =>
        ackIds.Count > 0
            ? AckIds.Parse(ackIds, field)
            : throw RpcErrors.InvalidArgument($"{field} must contain at least one ack ID.");
}
