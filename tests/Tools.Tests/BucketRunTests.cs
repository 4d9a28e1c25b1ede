using System.Text.Json;
using Google.Cloud.PubSub.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using PullWorker.Inference.Stages;
using PullWorker.Jobs;
using PullWorker.Jobs.Results;
using PullWorker.Tools.Demo;
using PullWorker.Tools.Results;
using PullWorker.Tools.Submit;
using PullWorker.Worker.Hosting;
using PullWorker.Worker.Storage;
using SkiaSharp;
using Encoding = System.Text.Encoding;

namespace PullWorker.Tools.Tests;

/// <summary>
/// A bucket run on the emulator: <c>submit gs://inputs/photos/</c> publishes one image job per object, and
/// <c>results --wait</c> follows the worker until every job in the manifest has a result.
/// </summary>
[TestFixture]
public sealed class BucketRunTests
{
    private const string Prefix = "photos/2026-12/";
    private static readonly DateTimeOffset Published = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
    private static readonly ModelInfo Model = new("demo", new string('0', 64));

    private string _directory = string.Empty;

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("pullworker-bucket-test-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    [CancelAfter(300_000)]
    public async Task Bucket_TwoThousandImages_EachPublishedOnceThenAwaitedThroughTheWorker(CancellationToken cancellationToken)
    {
        const int count = 2_000;
        await using var deployment = await LocalDeployment.CreateAsync("bucket", cancellationToken);
        var check = await deployment.AddSubscriptionAsync("bucket-check", cancellationToken);
        var images = SampleImages.Patterns.Take(4).Select(p => p.Encode(32, 32, SKEncodedImageFormat.Png)).ToArray();
        var names = Enumerable.Range(0, count).Select(i => $"{Prefix}day-{i % 7}/img-{i:D5}.png").ToList();
        await UploadAllAsync(deployment, names.Select((n, i) => (n, images[i % images.Length])), cancellationToken);
        await deployment.UploadAsync(LocalDeployment.InputsBucket, $"{Prefix}README.txt", "not an image"u8.ToArray(), cancellationToken);
        var manifest = Path.Combine(_directory, "manifest.txt");

        var outcome = await SubmitAsync(deployment, glob: "*.png", manifest, skip: new HashSet<string>(), cancellationToken);
        var messages = await PullAllAsync(deployment, check, count, cancellationToken);

        var expectedIds = names.Select(n => n[Prefix.Length..]).ToList();
        var jobs = messages.Select(Job).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Published, Is.EqualTo(count));
            Assert.That(outcome.RejectedCount, Is.Zero);
            Assert.That(jobs.Select(j => j.Id), Is.EquivalentTo(expectedIds), "one message per object, each once");
            Assert.That(jobs.All(j => j.Uri == $"gs://{LocalDeployment.InputsBucket}/{Prefix}{j.Id}"), Is.True, "each job points at its own object");
            Assert.That(jobs.All(j => j.Input == "image"), Is.True);
            Assert.That(File.ReadAllLines(manifest), Is.EquivalentTo(expectedIds));
            Assert.That(deployment.Emulator.PubSub.GetStats(check).Backlog, Is.Zero, "nothing published beyond the objects");
        });

        var modelPath = Path.Combine(_directory, "demo.onnx");
        await File.WriteAllBytesAsync(modelPath, SampleModels.Demo(), cancellationToken);
        var configuration = deployment.WorkerConfiguration(modelPath);
        configuration["Pipeline:Image:Width"] = "32";
        configuration["Pipeline:Image:Height"] = "32";
        configuration["Batching:MaxBatchSize"] = "64";
        await using var app = WorkerHost.Build([], config => config.AddInMemoryCollection(configuration));
        await app.StartAsync(cancellationToken);
        using var storage = StorageServiceCollectionExtensions.CreateClient(new StorageOptions(), deployment.Emulator.StorageEmulatorHost);
        using var console = new TestConsole();
        var waited = await new ResultWatch(console.Console, new ResultReader(storage), TimeProvider.System).WaitAsync(
            GcsUri.Parse(deployment.ResultsUri), await ResultExpectation.ReadManifestAsync(manifest, cancellationToken),
            TimeSpan.FromMinutes(4), TimeSpan.FromMilliseconds(250), cancellationToken);
        await app.StopAsync(cancellationToken);
        ResultWaitReport.Write(console.Console, GcsUri.Parse(deployment.ResultsUri), waited);

        Assert.Multiple(() =>
        {
            Assert.That(waited.MissingCount, Is.Zero);
            Assert.That(waited.Results.Statistics.Ok, Is.EqualTo(count));
            Assert.That(waited.AllOk, Is.True);
            Assert.That(waited.Results.Results.Select(r => r.Id.Value), Is.EquivalentTo(expectedIds));
            Assert.That(console.Output, Does.Contain("every expected job has an ok result"));
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Bucket_ObjectNamesThatCannotBeIds_ReportedByNameAndNotPublished(CancellationToken cancellationToken)
    {
        await using var deployment = await LocalDeployment.CreateAsync("names", cancellationToken);
        var check = await deployment.AddSubscriptionAsync("names-check", cancellationToken);
        string[] names = [$"{Prefix}good.png", $"{Prefix}bad name.png", $"{Prefix}a//b.png", $"{Prefix}also-good.png"];
        await UploadAllAsync(deployment, names.Select(n => (n, new byte[] { 1, 2, 3 })), cancellationToken);
        var manifest = Path.Combine(_directory, "manifest.txt");

        var outcome = await SubmitAsync(deployment, glob: null, manifest, skip: new HashSet<string>(), cancellationToken);
        var messages = await PullAllAsync(deployment, check, 2, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Published, Is.EqualTo(2));
            Assert.That(outcome.Rejected.Select(r => r.Name), Is.EquivalentTo(new[] { $"gs://inputs/{Prefix}bad name.png", $"gs://inputs/{Prefix}a//b.png" }));
            Assert.That(outcome.Rejected.Single(r => r.Name.EndsWith("bad name.png", StringComparison.Ordinal)).Problem, Does.Contain("' ' at position 3"));
            Assert.That(outcome.Rejected.Single(r => r.Name.EndsWith("a//b.png", StringComparison.Ordinal)).Problem, Does.Contain("empty path segment"));
            Assert.That(messages.Select(m => Job(m).Id), Is.EquivalentTo(new[] { "good.png", "also-good.png" }));
            Assert.That(File.ReadAllLines(manifest), Is.EquivalentTo(new[] { "good.png", "also-good.png" }));
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Bucket_SkipDoneAfterAPartialRun_PublishesOnlyTheRest(CancellationToken cancellationToken)
    {
        await using var deployment = await LocalDeployment.CreateAsync("skip", cancellationToken);
        var check = await deployment.AddSubscriptionAsync("skip-check", cancellationToken);
        var ids = Enumerable.Range(0, 10).Select(i => $"img-{i}.jpg").ToList();
        await UploadAllAsync(deployment, ids.Select(id => (Prefix + id, new byte[] { 1 })), cancellationToken);

        // The partial run: two results in the object layout (one of them an error), two in a batch object.
        await deployment.UploadAsync(LocalDeployment.ResultsBucket, "out/img-0.jpg.json", Result("img-0.jpg", ok: true), cancellationToken);
        await deployment.UploadAsync(LocalDeployment.ResultsBucket, "out/img-1.jpg.json", Result("img-1.jpg", ok: false), cancellationToken);
        var batch = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Result("img-2.jpg", ok: true)) + "\n" + Encoding.UTF8.GetString(Result("img-3.jpg", ok: true)) + "\n");
        await deployment.UploadAsync(LocalDeployment.ResultsBucket, "out/batches/20261207T100000.000Z-aa-00000001.jsonl", batch, cancellationToken);
        using var storage = StorageServiceCollectionExtensions.CreateClient(new StorageOptions(), deployment.Emulator.StorageEmulatorHost);
        var done = await new ResultReader(storage).IdsAsync(GcsUri.Parse(deployment.ResultsUri), cancellationToken);

        var outcome = await SubmitAsync(deployment, glob: "*.jpg", manifest: null, done, cancellationToken);
        var messages = await PullAllAsync(deployment, check, 6, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(done, Is.EquivalentTo(ids.Take(4)));
            Assert.That(outcome.Published, Is.EqualTo(6));
            Assert.That(outcome.Skipped, Is.EqualTo(4));
            Assert.That(messages.Select(m => Job(m).Id), Is.EquivalentTo(ids.Skip(4)));
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Wait_SomeJobsNeverFinish_TimesOutNotOkListingMissingIdsAndFirstErrors(CancellationToken cancellationToken)
    {
        await using var deployment = await LocalDeployment.CreateAsync("wait", cancellationToken);
        await deployment.UploadAsync(LocalDeployment.ResultsBucket, "out/a.json", Result("a", ok: true), cancellationToken);
        await deployment.UploadAsync(LocalDeployment.ResultsBucket, "out/b.json", Result("b", ok: false), cancellationToken);
        await deployment.UploadAsync(LocalDeployment.ResultsBucket, "out/c.json", Result("c", ok: true), cancellationToken);
        await deployment.UploadAsync(LocalDeployment.ResultsBucket, "out/from-an-earlier-run.json", Result("from-an-earlier-run", ok: true), cancellationToken);
        using var storage = StorageServiceCollectionExtensions.CreateClient(new StorageOptions(), deployment.Emulator.StorageEmulatorHost);
        using var console = new TestConsole();
        var clock = new FakeTimeProvider(Published);
        var prefix = GcsUri.Parse(deployment.ResultsUri);

        var waiting = new ResultWatch(console.Console, new ResultReader(storage), clock).WaitAsync(
            prefix, ResultExpectation.Of(["a", "b", "c", "d", "e"]), TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(5), cancellationToken);
        while (!waiting.IsCompleted)
        {
            // The watch polls, then waits on the fake clock; each step lets one poll interval pass.
            await Task.WhenAny(waiting, Task.Delay(20, cancellationToken));
            clock.Advance(TimeSpan.FromSeconds(5));
        }

        var outcome = await waiting;
        ResultWaitReport.Write(console.Console, prefix, outcome);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.AllOk, Is.False);
            Assert.That(outcome.MissingIds, Is.EqualTo(new[] { "d", "e" }));
            Assert.That(outcome.Results.Statistics.Total, Is.EqualTo(3), "a result of an id outside the manifest does not count");
            Assert.That(outcome.Results.Statistics.ErrorsByCode, Is.EqualTo(new Dictionary<string, int> { ["decode_failed"] = 1 }));
            Assert.That(clock.GetUtcNow() - Published, Is.GreaterThanOrEqualTo(TimeSpan.FromMinutes(1)), "it waited for the whole timeout");
            Assert.That(console.Output, Does.Contain("missing: d").And.Contain("missing: e"));
            Assert.That(console.Output, Does.Contain("decode_failed (1), first: b: not an image"));
            Assert.That(console.Output, Does.Contain("not every expected job has an ok result"));
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Wait_ExpectedCountAlreadyThere_ReturnsAtOnceAllOk(CancellationToken cancellationToken)
    {
        await using var deployment = await LocalDeployment.CreateAsync("count", cancellationToken);
        await deployment.UploadAsync(LocalDeployment.ResultsBucket, "out/a.json", Result("a", ok: true), cancellationToken);
        await deployment.UploadAsync(LocalDeployment.ResultsBucket, "out/b.json", Result("b", ok: true), cancellationToken);
        using var storage = StorageServiceCollectionExtensions.CreateClient(new StorageOptions(), deployment.Emulator.StorageEmulatorHost);
        using var console = new TestConsole();
        var clock = new FakeTimeProvider(Published);

        var outcome = await new ResultWatch(console.Console, new ResultReader(storage), clock).WaitAsync(
            GcsUri.Parse(deployment.ResultsUri), ResultExpectation.Of(2), TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(5), cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.AllOk, Is.True);
            Assert.That(outcome.MissingCount, Is.Zero);
            Assert.That(clock.GetUtcNow(), Is.EqualTo(Published), "no poll interval waited");
        });
    }

    private static async Task<BucketSubmissionResult> SubmitAsync(
        LocalDeployment deployment, string? glob, string? manifest, IReadOnlySet<string> skip, CancellationToken cancellationToken)
    {
        using var storage = StorageServiceCollectionExtensions.CreateClient(new StorageOptions(), deployment.Emulator.StorageEmulatorHost);
        using var console = new TestConsole();
        var jobs = new BucketJobs(storage, GcsUri.Parse($"gs://{LocalDeployment.InputsBucket}/{Prefix}"), "image", glob, skip);
        var outcome = await new BucketSubmission(console.Console, deployment.Emulator.PubSubEmulatorHost)
            .SubmitAsync(deployment.Topic, jobs, manifest, cancellationToken);
        BucketSubmissionReport.Write(console.Console, deployment.Topic, manifest, outcome);
        await TestContext.Out.WriteLineAsync(console.Output);
        return outcome;
    }

    private static async Task UploadAllAsync(LocalDeployment deployment, IEnumerable<(string Name, byte[] Content)> objects, CancellationToken cancellationToken) =>
        await Parallel.ForEachAsync(
            objects,
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (item, token) => await deployment.UploadAsync(LocalDeployment.InputsBucket, item.Name, item.Content, "image/png", token));

    /// <summary>Pulls and acks until <paramref name="count"/> messages have come (bounded by the token).</summary>
    private static async Task<List<PubsubMessage>> PullAllAsync(LocalDeployment deployment, string subscription, int count, CancellationToken cancellationToken)
    {
        using var channel = GrpcChannel.ForAddress($"http://{deployment.Emulator.PubSubEmulatorHost}");
        var subscriber = new Subscriber.SubscriberClient(channel);
        var messages = new List<PubsubMessage>();
        while (messages.Count < count)
        {
            var response = await subscriber.PullAsync(new PullRequest { Subscription = subscription, MaxMessages = 1_000 }, cancellationToken: cancellationToken);
            if (response.ReceivedMessages.Count > 0)
            {
                await subscriber.AcknowledgeAsync(
                    new AcknowledgeRequest { Subscription = subscription, AckIds = { response.ReceivedMessages.Select(m => m.AckId) } },
                    cancellationToken: cancellationToken);
                messages.AddRange(response.ReceivedMessages.Select(m => m.Message));
            }
        }

        return messages;
    }

    private static (string Id, string Input, string Uri) Job(PubsubMessage message)
    {
        using var document = JsonDocument.Parse(message.Data.Memory);
        var input = document.RootElement.GetProperty("inputs").EnumerateObject().Single();
        return (document.RootElement.GetProperty("id").GetString()!, input.Name, input.Value.GetProperty("image").GetProperty("uri").GetString()!);
    }

    private static byte[] Result(string id, bool ok) => ok
        ? JobResult.Succeeded(
            JobId.Parse(id), "m-" + id, new Dictionary<string, OutputTensor> { ["y"] = new OutputTensor<float>(new[] { 1f }, [1]) }, Model, Published,
            Published.AddMilliseconds(10), 1).ToUtf8Json()
        : JobResult.Failed(JobId.Parse(id), "m-" + id, new JobError(JobErrorCode.DecodeFailed, "not an image"), Model, Published, Published.AddMilliseconds(10), 1).ToUtf8Json();
}
