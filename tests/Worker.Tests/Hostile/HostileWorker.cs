using System.Security.Cryptography;
using Google.Cloud.PubSub.V1;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using PullWorker.Emulator.Storage;
using PullWorker.Worker.Hosting;

namespace PullWorker.Worker.Tests.Hostile;

/// <summary>
/// One real worker, in this process, on its own emulator, with the input bucket the corpus refers to and a private
/// bucket it must never read. Publishes cases in batches and keeps what each one expects.
/// </summary>
internal sealed class HostileWorker : IAsyncDisposable
{
    /// <summary>The largest <c>gs://</c> input the workers accept (<c>Storage:MaxInputBytes</c>).</summary>
    public const int MaxInputBytes = 256 * 1024;

    private const int MaxBatchMessages = 100;
    private const int MaxBatchBytes = 8 * 1024 * 1024;

    private readonly string _modelPath;
    private readonly List<PubsubMessage> _batch = [];
    private readonly List<HostileCase> _batchCases = [];
    private long _batchBytes;

    private HostileWorker(LocalDeployment deployment, WebApplication app, string modelPath)
    {
        Deployment = deployment;
        App = app;
        _modelPath = modelPath;
    }

    public LocalDeployment Deployment { get; }

    public WebApplication App { get; }

    /// <summary>Every published case (without its bytes) and its message ID.</summary>
    public List<HostileExpectation> Published { get; } = [];

    public static async Task<HostileWorker> StartAsync(
        string name, byte[] model, IReadOnlyDictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        var deployment = await LocalDeployment.CreateAsync(name, cancellationToken);
        var modelPath = Path.Combine(Path.GetTempPath(), $"{name}-{Guid.NewGuid():N}.onnx");
        try
        {
            await File.WriteAllBytesAsync(modelPath, model, cancellationToken);
            await SeedBucketsAsync(deployment, cancellationToken);
            var configuration = deployment.WorkerConfiguration(modelPath);
            configuration["Storage:MaxInputBytes"] = MaxInputBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
            foreach (var (key, value) in settings)
            {
                configuration[key] = value;
            }

            var app = WorkerHost.Build([], config => config.AddInMemoryCollection(configuration));
            await app.StartAsync(cancellationToken);
            return new HostileWorker(deployment, app, modelPath);
        }
        catch
        {
            File.Delete(modelPath);
            await deployment.DisposeAsync();
            throw;
        }
    }

    /// <summary>Every object of the buckets the worker may read or must not touch, with a hash of its bytes.</summary>
    public IReadOnlyList<string> ReadOnlyBucketsSnapshot() =>
        [.. new[] { LocalDeployment.InputsBucket, HostileKinds.PrivateBucket }
            .SelectMany(bucket => Deployment.Emulator.Storage.ListObjects(bucket))
            .Select(o => $"{o.Bucket}/{o.Name} gen {o.Generation} sha256 {Convert.ToHexString(SHA256.HashData(o.Data.Span))}")
            .Order(StringComparer.Ordinal)];

    /// <summary>Every object in the results bucket, whatever its name.</summary>
    public IReadOnlyList<StoredObject> AllResultObjects() => Deployment.Emulator.Storage.ListObjects(LocalDeployment.ResultsBucket);

    /// <summary>Queues a case; publishes the batch when it is full.</summary>
    public async Task AddAsync(HostileCase hostileCase, CancellationToken cancellationToken)
    {
        if (_batch.Count == MaxBatchMessages || (_batch.Count > 0 && _batchBytes + hostileCase.Data.Length > MaxBatchBytes))
        {
            await FlushAsync(cancellationToken);
        }

        var message = new PubsubMessage { Data = ByteString.CopyFrom(hostileCase.Data) };
        if (hostileCase.Attributes is not null)
        {
            foreach (var (key, value) in hostileCase.Attributes)
            {
                message.Attributes[key] = value;
            }
        }

        _batch.Add(message);
        _batchCases.Add(hostileCase with { Data = [] });
        _batchBytes += hostileCase.Data.Length;
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_batch.Count == 0)
        {
            return;
        }

        var request = new PublishRequest { Topic = Deployment.Topic };
        request.Messages.Add(_batch);
        var response = await Deployment.Publisher.PublishAsync(request, cancellationToken: cancellationToken);
        Published.AddRange(_batchCases.Zip(response.MessageIds, (c, id) => new HostileExpectation(c, id)));
        _batch.Clear();
        _batchCases.Clear();
        _batchBytes = 0;
    }

    /// <summary>Waits, bounded by the token, until the results bucket holds at least one object per published case.</summary>
    public async Task WaitForAllResultsAsync(CancellationToken cancellationToken)
    {
        while (Deployment.Emulator.Storage.ListObjects(LocalDeployment.ResultsBucket).Count < Published.Count)
        {
            await Task.Delay(200, cancellationToken);
        }

        // The ack follows the write; give the last ones time to land.
        while (Deployment.Emulator.PubSub.GetStats(Deployment.Subscription).Backlog > 0)
        {
            await Task.Delay(50, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Deployment.DisposeAsync();
        File.Delete(_modelPath);
    }

    private static async Task SeedBucketsAsync(LocalDeployment deployment, CancellationToken cancellationToken)
    {
        var random = new Random(HostileCorpus.Seed);
        await deployment.UploadAsync(
            LocalDeployment.InputsBucket, HostileKinds.ValidImageObject, HostileImages.Noise(random, 16, SkiaSharp.SKEncodedImageFormat.Png), cancellationToken);
        await deployment.UploadAsync(LocalDeployment.InputsBucket, HostileKinds.TextObject, "not an image\n"u8.ToArray(), cancellationToken);
        var large = new byte[MaxInputBytes + 1];
        random.NextBytes(large);
        await deployment.UploadAsync(LocalDeployment.InputsBucket, HostileKinds.LargeObject, large, cancellationToken);
        deployment.Emulator.Storage.CreateBucket(HostileKinds.PrivateBucket);
        await deployment.UploadAsync(
            HostileKinds.PrivateBucket, HostileKinds.SecretObject, HostileImages.Noise(random, 8, SkiaSharp.SKEncodedImageFormat.Png), cancellationToken);
    }
}
