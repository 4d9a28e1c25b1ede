using Google.Cloud.PubSub.V1;
using PullWorker.Emulator.PubSub.State;
using PullWorker.Emulator.PubSub.Validation;

namespace PullWorker.Emulator.PubSub.Streaming;

/// <summary>What the service accepts on a StreamingPull stream; every violation aborts it with INVALID_ARGUMENT.</summary>
internal static class StreamingPullRules
{
    /// <exception cref="Grpc.Core.RpcException">INVALID_ARGUMENT naming the offending field.</exception>
    public static void CheckFirst(StreamingPullRequest request)
    {
        if (request.Subscription.Length == 0)
        {
            throw RpcErrors.InvalidArgument("The first StreamingPullRequest must set subscription.");
        }

        ResourceNames.Validate(request.Subscription, ResourceNames.Subscriptions, "subscription");
        if (!SubscriptionSettings.IsValidAckDeadline(request.StreamAckDeadlineSeconds))
        {
            throw RpcErrors.InvalidArgument(
                $"Invalid stream_ack_deadline_seconds ({request.StreamAckDeadlineSeconds}): the first request must set it between 10 and 600.");
        }

        CheckModifyDeadlines(request);
    }

    /// <exception cref="Grpc.Core.RpcException">INVALID_ARGUMENT naming the offending field.</exception>
    public static void CheckFollowUp(StreamingPullRequest request)
    {
        if (request.Subscription.Length > 0)
        {
            throw RpcErrors.InvalidArgument("subscription may only be set on the first StreamingPullRequest of a stream.");
        }

        if (request.MaxOutstandingMessages != 0 || request.MaxOutstandingBytes != 0)
        {
            throw RpcErrors.InvalidArgument(
                "max_outstanding_messages and max_outstanding_bytes may only be set on the first StreamingPullRequest of a stream.");
        }

        // 0 keeps the current deadline: clients send empty requests as keep-alives.
        if (request.StreamAckDeadlineSeconds != 0 && !SubscriptionSettings.IsValidAckDeadline(request.StreamAckDeadlineSeconds))
        {
            throw RpcErrors.InvalidArgument(
                $"Invalid stream_ack_deadline_seconds ({request.StreamAckDeadlineSeconds}): it must be between 10 and 600.");
        }

        CheckModifyDeadlines(request);
    }

    private static void CheckModifyDeadlines(StreamingPullRequest request)
    {
        if (request.ModifyDeadlineSeconds.Count != request.ModifyDeadlineAckIds.Count)
        {
            throw RpcErrors.InvalidArgument(
                $"modify_deadline_seconds ({request.ModifyDeadlineSeconds.Count} values) and modify_deadline_ack_ids " +
                $"({request.ModifyDeadlineAckIds.Count} values) must have the same length.");
        }

        foreach (var seconds in request.ModifyDeadlineSeconds)
        {
            if (seconds is < 0 or > SubscriptionSettings.MaxAckDeadlineSeconds)
            {
                throw RpcErrors.InvalidArgument($"Invalid modify_deadline_seconds ({seconds}): it must be between 0 and 600.");
            }
        }
    }
}
