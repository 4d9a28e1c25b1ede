using Google.Cloud.PubSub.V1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Time.Testing;
using PullWorker.Emulator.PubSub;

namespace PullWorker.Emulator.Tests.PubSub;

/// <summary>A Pub/Sub emulator on a dynamic port with a fake clock, and gRPC clients talking to it over a real socket.</summary>
internal sealed class PubSubTestServer : IAsyncDisposable
{
    private static int s_nextId;

    private PubSubTestServer(PubSubEmulator emulator, FakeTimeProvider time)
    {
        Emulator = emulator;
        Time = time;
        Channel = GrpcChannel.ForAddress($"http://{emulator.EmulatorHost}");
        Publisher = new Publisher.PublisherClient(Channel);
        Subscriber = new Subscriber.SubscriberClient(Channel);
    }

    public PubSubEmulator Emulator { get; }

    public FakeTimeProvider Time { get; }

    public GrpcChannel Channel { get; }

    public Publisher.PublisherClient Publisher { get; }

    public Subscriber.SubscriberClient Subscriber { get; }

    public static async Task<PubSubTestServer> StartAsync(CancellationToken cancellationToken)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var options = EmulatorOptions.DynamicPorts with { Time = time };
        return new PubSubTestServer(await PubSubEmulator.StartAsync(options, cancellationToken), time);
    }

    public static string NewTopicName() => $"projects/test-project/topics/topic-{Interlocked.Increment(ref s_nextId)}";

    public static string NewSubscriptionName() => $"projects/test-project/subscriptions/sub-{Interlocked.Increment(ref s_nextId)}";

    public async Task<string> CreateTopicAsync(CancellationToken cancellationToken)
    {
        var topic = await Publisher.CreateTopicAsync(new Topic { Name = NewTopicName() }, cancellationToken: cancellationToken);
        return topic.Name;
    }

    /// <summary>Creates a subscription from <paramref name="template"/> (name and topic filled in).</summary>
    public async Task<string> CreateSubscriptionAsync(string topic, CancellationToken cancellationToken, Subscription? template = null)
    {
        var request = template?.Clone() ?? new Subscription();
        request.Name = NewSubscriptionName();
        request.Topic = topic;
        await Subscriber.CreateSubscriptionAsync(request, cancellationToken: cancellationToken);
        return request.Name;
    }

    public async Task<(string Topic, string Subscription)> CreateTopicAndSubscriptionAsync(
        CancellationToken cancellationToken, Subscription? template = null)
    {
        var topic = await CreateTopicAsync(cancellationToken);
        return (topic, await CreateSubscriptionAsync(topic, cancellationToken, template));
    }

    public async Task<IReadOnlyList<string>> PublishAsync(string topic, IEnumerable<string> payloads, CancellationToken cancellationToken)
    {
        var request = new PublishRequest { Topic = topic };
        request.Messages.AddRange(payloads.Select(payload => new PubsubMessage { Data = ByteString.CopyFromUtf8(payload) }));
        var response = await Publisher.PublishAsync(request, cancellationToken: cancellationToken);
        return response.MessageIds;
    }

    /// <summary>Pulls what is available now, without waiting for more.</summary>
    public async Task<IReadOnlyList<ReceivedMessage>> PullNowAsync(string subscription, CancellationToken cancellationToken, int maxMessages = 100)
    {
#pragma warning disable CS0612 // return_immediately is deprecated but is what makes "nothing is available" observable.
        var request = new PullRequest { Subscription = subscription, MaxMessages = maxMessages, ReturnImmediately = true };
#pragma warning restore CS0612
        var response = await Subscriber.PullAsync(request, cancellationToken: cancellationToken);
        return response.ReceivedMessages;
    }

    public async Task AcknowledgeAsync(string subscription, IEnumerable<ReceivedMessage> messages, CancellationToken cancellationToken)
    {
        var request = new AcknowledgeRequest { Subscription = subscription };
        request.AckIds.AddRange(messages.Select(message => message.AckId));
        await Subscriber.AcknowledgeAsync(request, cancellationToken: cancellationToken);
    }

    public async Task ModifyAckDeadlineAsync(string subscription, ReceivedMessage message, int seconds, CancellationToken cancellationToken)
    {
        var request = new ModifyAckDeadlineRequest { Subscription = subscription, AckDeadlineSeconds = seconds };
        request.AckIds.Add(message.AckId);
        await Subscriber.ModifyAckDeadlineAsync(request, cancellationToken: cancellationToken);
    }

    public async Task<StreamingPullProbe> OpenStreamAsync(StreamingPullRequest first, CancellationToken cancellationToken)
    {
        var call = Subscriber.StreamingPull(cancellationToken: cancellationToken);
        try
        {
            await call.RequestStream.WriteAsync(first, cancellationToken);
        }
        catch (RpcException)
        {
            // The server may end the call before the first request is written (an injected error, a validation
            // failure); the status is still read from the response stream, where the tests look for it.
        }

        return new StreamingPullProbe(call);
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await Emulator.DisposeAsync();
    }
}
