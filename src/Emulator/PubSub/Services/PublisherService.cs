using Google.Cloud.PubSub.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using PullWorker.Emulator.PubSub.State;
using PullWorker.Emulator.PubSub.Validation;

namespace PullWorker.Emulator.PubSub.Services;

/// <summary>The Publisher service: request validation with the service's status codes, state in the broker.</summary>
internal sealed class PublisherService(PubSubBroker broker) : Publisher.PublisherBase
{
    /// <summary>The service's per-request limits (https://cloud.google.com/pubsub/quotas, "Resource limits").</summary>
    private const int MaxMessagesPerPublish = 1000;
    private const int MaxPublishBytes = 10_000_000;

    public override Task<Topic> CreateTopic(Topic request, ServerCallContext context)
    {
        ResourceNames.Validate(request.Name, ResourceNames.Topics, "name");
        return Task.FromResult(broker.CreateTopic(request));
    }

    public override Task<Topic> GetTopic(GetTopicRequest request, ServerCallContext context)
    {
        ResourceNames.Validate(request.Topic, ResourceNames.Topics, "topic");
        return Task.FromResult(broker.GetTopic(request.Topic));
    }

    public override Task<Empty> DeleteTopic(DeleteTopicRequest request, ServerCallContext context)
    {
        ResourceNames.Validate(request.Topic, ResourceNames.Topics, "topic");
        broker.DeleteTopic(request.Topic);
        return Task.FromResult(new Empty());
    }

    public override Task<PublishResponse> Publish(PublishRequest request, ServerCallContext context)
    {
        ResourceNames.Validate(request.Topic, ResourceNames.Topics, "topic");
        CheckMessages(request);
        var response = new PublishResponse();
        response.MessageIds.AddRange(broker.Publish(request.Topic, request.Messages));
        return Task.FromResult(response);
    }

    private static void CheckMessages(PublishRequest request)
    {
        if (request.Messages.Count == 0)
        {
            throw RpcErrors.InvalidArgument("A publish request must contain at least one message.");
        }

        if (request.Messages.Count > MaxMessagesPerPublish)
        {
            throw RpcErrors.InvalidArgument(
                $"A publish request may contain at most {MaxMessagesPerPublish} messages, got {request.Messages.Count}.");
        }

        if (request.CalculateSize() > MaxPublishBytes)
        {
            throw RpcErrors.InvalidArgument($"A publish request may be at most {MaxPublishBytes} bytes.");
        }

        for (var i = 0; i < request.Messages.Count; i++)
        {
            if (request.Messages[i].Data.IsEmpty && request.Messages[i].Attributes.Count == 0)
            {
                throw RpcErrors.InvalidArgument($"messages[{i}] has neither data nor attributes; a message needs at least one.");
            }
        }
    }
}
