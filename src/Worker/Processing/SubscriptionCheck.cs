using Grpc.Core;
using PullWorker.Worker.Messaging;

namespace PullWorker.Worker.Processing;

/// <summary>
/// Reads <c>Worker:Subscription</c> before the worker reports started: a missing subscription or a missing
/// permission stops start-up with a line saying what to fix, and the dead-letter policy tells the handler which
/// delivery attempt is the last.
/// </summary>
internal static class SubscriptionCheck
{
    /// <summary>The subscription's <c>max_delivery_attempts</c>, or 0 when it has no dead-letter policy.</summary>
    /// <exception cref="PubSubSetupException">The subscription cannot be used as configured.</exception>
    public static async Task<int> MaxDeliveryAttemptsAsync(string subscription, string? emulatorHost, CancellationToken cancellationToken)
    {
        var admin = await PubSubClients.SubscriptionAdminAsync(emulatorHost, cancellationToken);
        try
        {
            var found = await admin.GetSubscriptionAsync(subscription, cancellationToken);
            return found.DeadLetterPolicy?.MaxDeliveryAttempts ?? 0;
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.NotFound)
        {
            throw new PubSubSetupException(
                $"Worker:Subscription: the subscription {subscription} does not exist (NOT_FOUND: {e.Status.Detail}); create it or fix the name", e);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.PermissionDenied or StatusCode.Unauthenticated)
        {
            throw new PubSubSetupException(
                $"Worker:Subscription: this identity may not use {subscription}; it needs roles/pubsub.subscriber ({e.StatusCode}: {e.Status.Detail})", e);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            // After the client's own retries: a wrong PUBSUB_EMULATOR_HOST, no route, or an outage.
            var endpoint = emulatorHost is null ? "Pub/Sub" : $"Pub/Sub at {PubSubClients.EmulatorHostVariable}={emulatorHost}";
            throw new PubSubSetupException(
                $"Worker:Subscription: cannot reach {endpoint} to read {subscription} ({e.StatusCode}: {e.Status.Detail})", e);
        }
    }
}
