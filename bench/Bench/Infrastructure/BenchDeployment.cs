using Google.Api.Gax;
using Google.Cloud.PubSub.V1;
using Google.Protobuf;
using PullWorker.Emulator;
using PullWorker.Worker.Messaging;

namespace PullWorker.Bench.Infrastructure;

/// <summary>
/// A user's project on the in-process emulator: a jobs topic, its subscription and a results bucket; publishes
/// jobs in bulk and counts what the worker acked.
/// </summary>
internal sealed class BenchDeployment : IAsyncDisposable
{
    public const string ResultsBucket = "results";
    private const string Project = "bench-project";

    private BenchDeployment(EmulatorServer emulator, string name)
    {
        Emulator = emulator;
        Topic = $"projects/{Project}/topics/{name}";
        Subscription = $"projects/{Project}/subscriptions/{name}";
    }

    public EmulatorServer Emulator { get; }

    public string Topic { get; }

    public string Subscription { get; }

    public string ResultsUri => $"gs://{ResultsBucket}/out/";

    public long Acked => Emulator.PubSub.GetStats(Subscription).Acked;

    public int Backlog => Emulator.PubSub.GetStats(Subscription).Backlog;

    public static async Task<BenchDeployment> CreateAsync(string name, CancellationToken cancellationToken)
    {
        var emulator = await EmulatorServer.StartAsync(EmulatorOptions.DynamicPorts, cancellationToken);
        var deployment = new BenchDeployment(emulator, name);
        var topics = await PubSubClients.TopicAdminAsync(emulator.PubSubEmulatorHost, cancellationToken);
        await topics.CreateTopicAsync(new Topic { Name = deployment.Topic }, cancellationToken);
        var subscriptions = await PubSubClients.SubscriptionAdminAsync(emulator.PubSubEmulatorHost, cancellationToken);
        await subscriptions.CreateSubscriptionAsync(
            new Subscription { Name = deployment.Subscription, Topic = deployment.Topic, AckDeadlineSeconds = 60 }, cancellationToken);
        emulator.Storage.CreateBucket(ResultsBucket);
        return deployment;
    }

    /// <summary>The worker's configuration against this deployment (CPU, text logs, a free health port).</summary>
    public Dictionary<string, string?> WorkerConfiguration(string modelPath, int healthPort = 0) => new()
    {
        ["Worker:Subscription"] = Subscription,
        ["Worker:Results"] = ResultsUri,
        ["Pipeline:Stages:0:Model"] = modelPath,
        ["Pipeline:Device"] = "cpu",
        ["Health:Port"] = healthPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Logging:Format"] = "text",
        ["Logging:LogLevel:Default"] = "Warning",
        ["PUBSUB_EMULATOR_HOST"] = Emulator.PubSubEmulatorHost,
        ["STORAGE_EMULATOR_HOST"] = Emulator.StorageEmulatorHost,
    };

    /// <summary>Publishes every message through Google's batching publisher, in full requests; returns when all are stored.</summary>
    public async Task PublishAsync(IEnumerable<PubsubMessage> messages, CancellationToken cancellationToken)
    {
        var settings = new PublisherClient.Settings
        {
            BatchingSettings = new BatchingSettings(1_000, 5_000_000, TimeSpan.FromMilliseconds(10)),
        };
        var publisher = await PubSubClients.PublisherAsync(Topic, Emulator.PubSubEmulatorHost, cancellationToken, settings);
        try
        {
            await Task.WhenAll(messages.Select(publisher.PublishAsync));
        }
        finally
        {
            await publisher.ShutdownAsync(cancellationToken);
        }
    }

    /// <summary>Waits, polling the emulator's counters, until <paramref name="count"/> messages are acked.</summary>
    public async Task WaitForAckedAsync(long count, CancellationToken cancellationToken)
    {
        while (Acked < count)
        {
            await Task.Delay(10, cancellationToken);
        }
    }

    public ValueTask DisposeAsync() => Emulator.DisposeAsync();

    public static PubsubMessage Message(ByteString data, string? contentType = null)
    {
        var message = new PubsubMessage { Data = data };
        if (contentType is not null)
        {
            message.Attributes["content-type"] = contentType;
        }

        return message;
    }
}
