using Grpc.Core;

namespace PullWorker.PubSub.Connection;

/// <summary>Turns the service's non-retryable answers into messages that say what to fix.</summary>
internal static class PubSubErrors
{
    /// <summary>A clear exception for a configuration problem, or null when the error is not one.</summary>
    public static PubSubConfigurationException? Describe(
        RpcException error, string kind, string resource, string identity, string permission, string role)
    {
        var detail = error.Status.Detail;
        return error.StatusCode switch
        {
            StatusCode.NotFound => new PubSubConfigurationException(
                $"The {kind} {resource} does not exist (NOT_FOUND: {detail}). Create it or fix the configured name.", error),
            StatusCode.PermissionDenied => new PubSubConfigurationException(
                $"{Capitalize(identity)} may not use the {kind} {resource}: it needs permission " +
                $"{MissingPermission(error) ?? permission} (e.g. role {role}) (PERMISSION_DENIED: {detail}).", error),
            StatusCode.Unauthenticated => new PubSubConfigurationException(
                $"Pub/Sub rejected the credentials of {identity} (UNAUTHENTICATED: {detail}). Check the key file or the VM's service account and its scopes.", error),
            StatusCode.InvalidArgument => new PubSubConfigurationException(
                $"Pub/Sub rejected a request on the {kind} {resource} (INVALID_ARGUMENT: {detail}).", error),
            StatusCode.FailedPrecondition => new PubSubConfigurationException(
                $"The {kind} {resource} cannot be used as it is (FAILED_PRECONDITION: {detail}).", error),
            _ => null,
        };
    }

    public static PubSubConfigurationException? DescribeSubscriptionError(RpcException error, string subscription, string identity) =>
        Describe(error, "subscription", subscription, identity, "pubsub.subscriptions.consume", "roles/pubsub.subscriber");

    public static PubSubConfigurationException? DescribeTopicError(RpcException error, string topic, string identity) =>
        Describe(error, "topic", topic, identity, "pubsub.topics.publish", "roles/pubsub.publisher");

    /// <summary>The permission the service says is missing, when its ErrorInfo names one.</summary>
    private static string? MissingPermission(RpcException error)
    {
        try
        {
            var info = ErrorInfo.FromException(error);
            return info?.Metadata.TryGetValue("permission", out var permission) == true ? permission : null;
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            // Malformed details do not matter more than the error they came with.
            return null;
        }
    }

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
