using Google.Cloud.PubSub.V1;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using PullWorker.PubSub.Connection;

namespace PullWorker.PubSub.Subscribing;

/// <summary>Checks at start that the subscription exists and is usable, so misconfiguration fails with one clear message.</summary>
internal static class SubscriptionValidation
{
    private const int MaxAttempts = 4;

    /// <summary>The subscription, or null when the identity may consume but not read it (roles/pubsub.subscriber lacks get).</summary>
    /// <exception cref="PubSubConfigurationException">NOT_FOUND, detached, unauthenticated or otherwise unusable.</exception>
    public static async Task<Subscription?> GetAsync(
        PubSubConnection connection, string subscription, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        var backoff = new ExponentialBackoff(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(4));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var deadline = time.GetUtcNow().UtcDateTime + TimeSpan.FromSeconds(60);
                var found = await connection.NextSubscriber().GetSubscriptionAsync(
                    new GetSubscriptionRequest { Subscription = subscription },
                    PubSubConnection.RoutedCall("subscription", subscription, deadline, cancellationToken));
                return found.Detached
                    ? throw new PubSubConfigurationException($"The subscription {subscription} is detached from its topic and delivers nothing; recreate it.")
                    : found;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.PermissionDenied)
            {
                // Consuming needs pubsub.subscriptions.consume, reading needs .get: a subscriber-only identity
                // is fine. If it cannot consume either, the first stream fails with a clear error.
                logger.ValidationSkipped(subscription, ex.StatusCode);
                return null;
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.Unknown or StatusCode.Aborted
                                          && attempt < MaxAttempts)
            {
                await Task.Delay(backoff.Next(), time, cancellationToken);
            }
            catch (RpcException ex) when (PubSubErrors.DescribeSubscriptionError(ex, subscription, connection.Identity) is { } clear)
            {
                throw clear;
            }
        }
    }
}
