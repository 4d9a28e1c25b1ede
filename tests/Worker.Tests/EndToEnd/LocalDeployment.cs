using Google.Cloud.PubSub.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Net.Client;
using PullWorker.Emulator;

namespace PullWorker.Worker.Tests.EndToEnd;

/// <summary>
/// What a user's project holds, on the emulator: a jobs topic, a subscription with a dead-letter topic, and a
/// results bucket. Publishes jobs and reads results the way a user would.
/// </summary>
internal sealed class LocalDeployment : IAsyncDisposable
{
    public const string Project = "local-e2e";
    public const string ResultsBucket = "results";
    public const string InputsBucket = "inputs";
    public const int MaxDeliveryAttempts = 5;

    private readonly GrpcChannel _channel;

    private LocalDeployment(EmulatorServer emulator, string name)
    {
        Emulator = emulator;
        _channel = GrpcChannel.ForAddress($"http://{emulator.PubSubEmulatorHost}");
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

    public static async Task<LocalDeployment> CreateAsync(string name, CancellationToken cancellationToken)
    {
        var emulator = await EmulatorServer.StartAsync(EmulatorOptions.DynamicPorts, cancellationToken);
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
                RetryPolicy = new RetryPolicy { MinimumBackoff = Duration.FromTimeSpan(TimeSpan.FromSeconds(1)), MaximumBackoff = Duration.FromTimeSpan(TimeSpan.FromSeconds(5)) },
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

    /// <summary>Uploads an object the way any client would, over the JSON API.</summary>
    public async Task UploadAsync(string bucket, string name, byte[] content, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = new Uri(Emulator.StorageEmulatorHost) };
        using var body = new ByteArrayContent(content);
        using var response = await http.PostAsync(
            $"/upload/storage/v1/b/{bucket}/o?uploadType=media&name={Uri.EscapeDataString(name)}", body, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The result objects written so far, by job id.</summary>
    public IReadOnlyDictionary<string, Jobs.Results.JobResult> Results() =>
        Emulator.Storage.ListObjects(ResultsBucket, "out/").ToDictionary(
            o => o.Name["out/".Length..^".json".Length],
            o => Jobs.Results.JobResult.Parse(o.Data.Span));

    /// <summary>Waits, bounded by the token, until at least <paramref name="count"/> results exist.</summary>
    public async Task<IReadOnlyDictionary<string, Jobs.Results.JobResult>> WaitForResultsAsync(int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            var results = Results();
            if (results.Count >= count)
            {
                return results;
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await Emulator.DisposeAsync();
    }
}
