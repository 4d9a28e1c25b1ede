using Google.Api.Gax;
using Google.Cloud.PubSub.V1;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using PullWorker.Emulator.Tests.PubSub;

namespace PullWorker.Emulator.Tests.Interop.PubSub;

/// <summary>Google's .NET Pub/Sub clients pointed at a test emulator, as a user's code would build them.</summary>
internal static class GoogleClients
{
    public static SubscriberClientBuilder Subscriber(
        PubSubTestServer server, string subscription, int clientCount, long maxOutstanding, Interceptor? interceptor = null, ILogger? logger = null)
    {
        var builder = new SubscriberClientBuilder
        {
            SubscriptionName = SubscriptionName.Parse(subscription),
            Endpoint = server.Emulator.EmulatorHost,
            ChannelCredentials = ChannelCredentials.Insecure,
            ClientCount = clientCount,
            Settings = new SubscriberClient.Settings { FlowControlSettings = new FlowControlSettings(maxOutstanding, null) },
            ApiSettings = new SubscriberServiceApiSettings { Interceptor = interceptor },
        };
        builder.Logger = logger;
        return builder;
    }

    public static Task<PublisherClient> PublisherAsync(PubSubTestServer server, string topic, CancellationToken cancellationToken) =>
        new PublisherClientBuilder
        {
            TopicName = TopicName.Parse(topic),
            Endpoint = server.Emulator.EmulatorHost,
            ChannelCredentials = ChannelCredentials.Insecure,
            Settings = new PublisherClient.Settings { BatchingSettings = new BatchingSettings(1_000, 5_000_000, TimeSpan.FromMilliseconds(5)) },
        }.BuildAsync(cancellationToken);

    public static Task<SubscriberServiceApiClient> SubscriptionAdminAsync(PubSubTestServer server, CancellationToken cancellationToken) =>
        new SubscriberServiceApiClientBuilder
        {
            Endpoint = server.Emulator.EmulatorHost,
            ChannelCredentials = ChannelCredentials.Insecure,
        }.BuildAsync(cancellationToken);

    public static Task<PublisherServiceApiClient> TopicAdminAsync(PubSubTestServer server, CancellationToken cancellationToken) =>
        new PublisherServiceApiClientBuilder
        {
            Endpoint = server.Emulator.EmulatorHost,
            ChannelCredentials = ChannelCredentials.Insecure,
        }.BuildAsync(cancellationToken);
}
