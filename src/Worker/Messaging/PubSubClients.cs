using Google.Api.Gax;
using Google.Cloud.PubSub.V1;
using Grpc.Core;

namespace PullWorker.Worker.Messaging;

/// <summary>
/// Google's Pub/Sub clients, pointed at the service or at an emulator. <c>PUBSUB_EMULATOR_HOST</c> in the environment
/// is left to the client libraries' own emulator detection; a host given only in configuration (the demo and
/// in-process tests run the worker beside an emulator they started) is set as a plain-text endpoint.
/// </summary>
public static class PubSubClients
{
    public const string EmulatorHostVariable = "PUBSUB_EMULATOR_HOST";

    /// <summary>A subscriber for <paramref name="subscription"/>; the caller sets its flow control and leases.</summary>
    public static SubscriberClientBuilder Subscriber(string subscription, string? emulatorHost)
    {
        var (endpoint, credentials, detection) = Endpoint(emulatorHost);
        return new SubscriberClientBuilder
        {
            SubscriptionName = SubscriptionName.Parse(subscription),
            Endpoint = endpoint,
            ChannelCredentials = credentials,
            EmulatorDetection = detection,
        };
    }

    /// <summary>A batching publisher for <paramref name="topic"/>; <paramref name="settings"/> null keeps the library's batching.</summary>
    public static Task<PublisherClient> PublisherAsync(
        string topic, string? emulatorHost, CancellationToken cancellationToken, PublisherClient.Settings? settings = null)
    {
        var (endpoint, credentials, detection) = Endpoint(emulatorHost);
        return new PublisherClientBuilder
        {
            TopicName = TopicName.Parse(topic),
            Settings = settings,
            Endpoint = endpoint,
            ChannelCredentials = credentials,
            EmulatorDetection = detection,
        }.BuildAsync(cancellationToken);
    }

    /// <summary>The admin client for subscriptions (get, create, delete).</summary>
    public static Task<SubscriberServiceApiClient> SubscriptionAdminAsync(string? emulatorHost, CancellationToken cancellationToken)
    {
        var (endpoint, credentials, detection) = Endpoint(emulatorHost);
        return new SubscriberServiceApiClientBuilder
        {
            Endpoint = endpoint,
            ChannelCredentials = credentials,
            EmulatorDetection = detection,
        }.BuildAsync(cancellationToken);
    }

    /// <summary>The admin client for topics (create, delete).</summary>
    public static Task<PublisherServiceApiClient> TopicAdminAsync(string? emulatorHost, CancellationToken cancellationToken)
    {
        var (endpoint, credentials, detection) = Endpoint(emulatorHost);
        return new PublisherServiceApiClientBuilder
        {
            Endpoint = endpoint,
            ChannelCredentials = credentials,
            EmulatorDetection = detection,
        }.BuildAsync(cancellationToken);
    }

    private static (string? Endpoint, ChannelCredentials? Credentials, EmulatorDetection Detection) Endpoint(string? emulatorHost) =>
        string.IsNullOrEmpty(emulatorHost) || Environment.GetEnvironmentVariable(EmulatorHostVariable) == emulatorHost
            ? (null, null, EmulatorDetection.EmulatorOrProduction)
            : (emulatorHost, ChannelCredentials.Insecure, EmulatorDetection.None);
}
