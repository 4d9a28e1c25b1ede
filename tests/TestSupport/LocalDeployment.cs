using Google.Cloud.PubSub.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Net.Client;
using PullWorker.Emulator;
using PullWorker.Emulator.PubSub;
using PullWorker.Jobs.Results;

namespace PullWorker.TestSupport;

/// <summary>
/// What a user's project holds, on the emulator: a jobs topic, a subscription with a dead-letter topic, and a
/// results bucket. Publishes jobs and reads results the way a user would.
/// </summary>
public sealed class LocalDeployment : IAsyncDisposable
{
    public const string Project = "local-e2e";
    public const string ResultsBucket = "results";
    public const string InputsBucket = "inputs";
    public const int MaxDeliveryAttempts = 5;

    /// <summary>The subscription's retry policy: a nacked message waits 1 s, growing up to this, before redelivery.</summary>
    public static readonly TimeSpan MaxRetryBackoff = TimeSpan.FromSeconds(5);

    /// <summary>Messages per publish request when publishing many: well inside Pub/Sub's 1,000 and 10 MB.</summary>
    private const int PublishBatch = 250;

    private readonly GrpcChannel _channel;
    private readonly HttpClient _storageHttp;

    private LocalDeployment(EmulatorServer emulator, string name)
    {
        Emulator = emulator;
        _channel = GrpcChannel.ForAddress($"http://{emulator.PubSubEmulatorHost}");
        _storageHttp = new HttpClient { BaseAddress = new Uri(emulator.StorageEmulatorHost), Timeout = TimeSpan.FromSeconds(30) };
        Topic = $"projects/{Project}/topics/{name}";
        DeadLetterTopic = $"projects/{Project}/topics/{name}-dead";
        Subscription = $"projects/{Project}/subscriptions/{name}";
    }

    public EmulatorServer Emulator { get; }

    public string Topic { get; }

    public string DeadLetterTopic { get; }

    public string Subscription { get; }

    public string ResultsUri => $"gs://{ResultsBucket}/out/";

    public Publisher.PublisherClient Publisher => new(_channel);

    /// <param name="name">The topic and subscription name.</param>
    /// <param name="cancellationToken">Bounds the set-up.</param>
    /// <param name="time">The emulator's clock (ack deadlines, backoffs, storage latency); default the system's.</param>
    public static async Task<LocalDeployment> CreateAsync(string name, CancellationToken cancellationToken, TimeProvider? time = null)
    {
        var emulator = await EmulatorServer.StartAsync(EmulatorOptions.DynamicPorts with { Time = time ?? TimeProvider.System }, cancellationToken);
        var deployment = new LocalDeployment(emulator, name);
        var publisher = deployment.Publisher;
        await publisher.CreateTopicAsync(new Topic { Name = deployment.Topic }, cancellationToken: cancellationToken);
        await publisher.CreateTopicAsync(new Topic { Name = deployment.DeadLetterTopic }, cancellationToken: cancellationToken);
        await new Subscriber.SubscriberClient(deployment._channel).CreateSubscriptionAsync(
            new Subscription
            {
                Name = deployment.Subscription,
                Topic = deployment.Topic,
                AckDeadlineSeconds = 30,
                RetryPolicy = new RetryPolicy { MinimumBackoff = Duration.FromTimeSpan(TimeSpan.FromSeconds(1)), MaximumBackoff = Duration.FromTimeSpan(MaxRetryBackoff) },
                DeadLetterPolicy = new DeadLetterPolicy { DeadLetterTopic = deployment.DeadLetterTopic, MaxDeliveryAttempts = MaxDeliveryAttempts },
            },
            cancellationToken: cancellationToken);
        emulator.Storage.CreateBucket(ResultsBucket);
        emulator.Storage.CreateBucket(InputsBucket);
        return deployment;
    }

    /// <summary>The worker's configuration for this deployment, as a user would write it.</summary>
    public Dictionary<string, string?> WorkerConfiguration(string modelPath) => new()
    {
        ["Worker:Subscription"] = Subscription,
        ["Worker:Results"] = ResultsUri,
        ["Worker:InputBuckets:0"] = InputsBucket,
        ["Pipeline:Stages:0:Model"] = modelPath,
        ["Pipeline:Device"] = "cpu",
        ["Batching:MaxBatchSize"] = "16",
        ["Batching:MaxDelay"] = "00:00:00.005",
        ["Health:Port"] = "0",
        ["Logging:Format"] = "text",
        ["Shutdown:Grace"] = "00:00:10",
        ["PUBSUB_EMULATOR_HOST"] = Emulator.PubSubEmulatorHost,
        ["STORAGE_EMULATOR_HOST"] = Emulator.StorageEmulatorHost,
    };

    /// <summary>The same configuration as environment variables (<c>Section__Key</c>), for the worker as a process.</summary>
    public Dictionary<string, string?> WorkerEnvironment(string modelPath) =>
        WorkerConfiguration(modelPath).ToDictionary(e => e.Key.Replace(":", "__", StringComparison.Ordinal), e => e.Value);

    /// <summary>Uploads an object the way any client would, over the JSON API.</summary>
    public Task UploadAsync(string bucket, string name, byte[] content, CancellationToken cancellationToken) =>
        UploadAsync(bucket, name, content, "application/octet-stream", cancellationToken);

    /// <summary>Uploads an object with its content type, the way any client would, over the JSON API.</summary>
    public async Task UploadAsync(string bucket, string name, byte[] content, string contentType, CancellationToken cancellationToken)
    {
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        using var response = await _storageHttp.PostAsync(
            $"/upload/storage/v1/b/{bucket}/o?uploadType=media&name={Uri.EscapeDataString(name)}", body, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Publishes <paramref name="messages"/> in order, a few hundred per request; returns their message IDs.</summary>
    public async Task<IReadOnlyList<string>> PublishAllAsync(IEnumerable<PubsubMessage> messages, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        foreach (var chunk in messages.Chunk(PublishBatch))
        {
            var response = await Publisher.PublishAsync(new PublishRequest { Topic = Topic, Messages = { chunk } }, cancellationToken: cancellationToken);
            ids.AddRange(response.MessageIds);
        }

        return ids;
    }

    /// <summary>
    /// Pulls what is deliverable right now, as another subscriber would, and nacks it all straight back: each
    /// message's delivery attempt goes up by one.
    /// </summary>
    public async Task<IReadOnlyList<ReceivedMessage>> PullAndNackAsync(CancellationToken cancellationToken)
    {
        var subscriber = new Subscriber.SubscriberClient(_channel);
        var pulled = await subscriber.PullAsync(new PullRequest { Subscription = Subscription, MaxMessages = 1_000 }, cancellationToken: cancellationToken);
        if (pulled.ReceivedMessages.Count > 0)
        {
            await subscriber.ModifyAckDeadlineAsync(
                new ModifyAckDeadlineRequest { Subscription = Subscription, AckDeadlineSeconds = 0, AckIds = { pulled.ReceivedMessages.Select(m => m.AckId) } },
                cancellationToken: cancellationToken);
        }

        return pulled.ReceivedMessages;
    }

    /// <summary>Waits, bounded by the token, until <paramref name="condition"/> holds on the subscription's stats.</summary>
    public Task<SubscriptionStats> WaitForStatsAsync(Func<SubscriptionStats, bool> condition, CancellationToken cancellationToken) =>
        PollAsync(() => Emulator.PubSub.GetStats(Subscription), condition, cancellationToken);

    public async Task<string> PublishAsync(ByteString data, IDictionary<string, string>? attributes, CancellationToken cancellationToken)
    {
        var message = new PubsubMessage { Data = data };
        if (attributes is not null)
        {
            message.Attributes.Add(attributes);
        }

        var response = await Publisher.PublishAsync(new PublishRequest { Topic = Topic, Messages = { message } }, cancellationToken: cancellationToken);
        return response.MessageIds[0];
    }

    /// <summary>The result objects written so far in the object layout, by job id.</summary>
    public IReadOnlyDictionary<string, JobResult> Results() =>
        Emulator.Storage.ListObjects(ResultsBucket, "out/").Where(o => o.Name.EndsWith(".json", StringComparison.Ordinal)).ToDictionary(
            o => o.Name["out/".Length..^".json".Length],
            o => JobResult.Parse(o.Data.Span));

    /// <summary>Waits, bounded by the token, until at least <paramref name="count"/> results exist.</summary>
    public Task<IReadOnlyDictionary<string, JobResult>> WaitForResultsAsync(int count, CancellationToken cancellationToken) =>
        PollAsync(Results, results => results.Count >= count, cancellationToken);

    /// <summary>Every line of every batch-layout object under <paramref name="prefix"/>, duplicates included, in name order.</summary>
    public List<JobResult> BatchLines(string prefix = "out/") =>
    [
        .. Emulator.Storage.ListObjects(ResultsBucket, prefix + "batches/")
            .OrderBy(o => o.Name, StringComparer.Ordinal)
            .SelectMany(o => System.Text.Encoding.UTF8.GetString(o.Data.Span).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            .Select(line => JobResult.Parse(System.Text.Encoding.UTF8.GetBytes(line))),
    ];

    /// <summary>Waits, bounded by the token, until batch-layout lines hold at least <paramref name="count"/> distinct ids.</summary>
    public Task<List<JobResult>> WaitForBatchLinesAsync(int count, CancellationToken cancellationToken, string prefix = "out/") =>
        PollAsync(() => BatchLines(prefix), lines => lines.Select(l => l.Id.Value).Distinct().Count() >= count, cancellationToken);

    /// <summary>Reads <paramref name="read"/> every 50 ms until <paramref name="done"/> holds; the token bounds the wait.</summary>
    private static async Task<T> PollAsync<T>(Func<T> read, Func<T, bool> done, CancellationToken cancellationToken)
    {
        while (true)
        {
            var value = read();
            if (done(value))
            {
                return value;
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>A second subscription to the same topic, set up like the first: every job is delivered to both.</summary>
    public async Task<string> AddSubscriptionAsync(string name, CancellationToken cancellationToken)
    {
        var subscription = $"projects/{Project}/subscriptions/{name}";
        await new Subscriber.SubscriberClient(_channel).CreateSubscriptionAsync(
            new Subscription
            {
                Name = subscription,
                Topic = Topic,
                AckDeadlineSeconds = 30,
                RetryPolicy = new RetryPolicy { MinimumBackoff = Duration.FromTimeSpan(TimeSpan.FromSeconds(1)), MaximumBackoff = Duration.FromTimeSpan(MaxRetryBackoff) },
                DeadLetterPolicy = new DeadLetterPolicy { DeadLetterTopic = DeadLetterTopic, MaxDeliveryAttempts = MaxDeliveryAttempts },
            },
            cancellationToken: cancellationToken);
        return subscription;
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        _storageHttp.Dispose();
        await Emulator.DisposeAsync();
    }
}
