using Google.Cloud.PubSub.V1;
using Google.Protobuf.WellKnownTypes;
using PullWorker.Emulator;
using PullWorker.Worker.Messaging;

namespace PullWorker.Tools.Demo;

/// <summary>What a user's project would hold, created on the emulator: topic, subscription with a dead-letter topic, buckets.</summary>
public static class DemoProject
{
    public static async Task SetUpAsync(EmulatorServer emulator, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        var topics = await PubSubClients.TopicAdminAsync(emulator.PubSubEmulatorHost, cancellationToken);
        await topics.CreateTopicAsync(new Topic { Name = DemoNames.Topic }, cancellationToken);
        await topics.CreateTopicAsync(new Topic { Name = DemoNames.DeadLetterTopic }, cancellationToken);
        var subscriptions = await PubSubClients.SubscriptionAdminAsync(emulator.PubSubEmulatorHost, cancellationToken);
        await subscriptions.CreateSubscriptionAsync(
            new Subscription
            {
                Name = DemoNames.Subscription,
                Topic = DemoNames.Topic,
                AckDeadlineSeconds = 30,
                RetryPolicy = new RetryPolicy
                {
                    MinimumBackoff = Duration.FromTimeSpan(TimeSpan.FromSeconds(1)),
                    MaximumBackoff = Duration.FromTimeSpan(TimeSpan.FromSeconds(10)),
                },
                DeadLetterPolicy = new DeadLetterPolicy
                {
                    DeadLetterTopic = DemoNames.DeadLetterTopic,
                    MaxDeliveryAttempts = DemoNames.MaxDeliveryAttempts,
                },
            },
            cancellationToken);

        // Buckets persist in the storage directory between runs; creating an existing one does nothing.
        emulator.Storage.CreateBucket(DemoNames.ResultsBucket);
        emulator.Storage.CreateBucket(DemoNames.InputsBucket);
    }
}
