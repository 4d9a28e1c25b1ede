using System.Text;
using Google.Cloud.Storage.V1;
using PullWorker.Emulator;
using PullWorker.Jobs;
using PullWorker.Jobs.Results;
using PullWorker.Tools.Results;
using PullWorker.Tools.Shared;
using PullWorker.Worker.Storage;

namespace PullWorker.Tools.Tests;

/// <summary><c>results</c>: known result objects on the emulator, listed, summarised and downloaded.</summary>
[TestFixture]
public sealed class ResultsReportTests
{
    private const string Bucket = "results";
    private static readonly DateTimeOffset Published = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
    private static readonly ModelInfo Model = new("demo", new string('0', 64));

    private EmulatorServer _emulator = null!;
    private StorageClient _storage = null!;
    private string _directory = string.Empty;

    [SetUp]
    public async Task StartEmulator()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _emulator = await EmulatorServer.StartAsync(EmulatorOptions.DynamicPorts, timeout.Token);
        _emulator.Storage.CreateBucket(Bucket);
        _storage = StorageServiceCollectionExtensions.CreateClient(new StorageOptions(), _emulator.StorageEmulatorHost);
        _directory = Directory.CreateTempSubdirectory("pullworker-results-test-").FullName;
    }

    [TearDown]
    public async Task StopEmulator()
    {
        _storage.Dispose();
        await _emulator.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Results_KnownObjects_SummarisedAndDownloaded(CancellationToken cancellationToken)
    {
        // Ten results with latencies of 10, 20, ... 100 ms: three errors, one object that is not a result, one elsewhere.
        for (var i = 1; i <= 10; i++)
        {
            var completed = Published.AddMilliseconds(10 * i);
            var id = JobId.Parse($"batch/{i:D2}");
            var result = i <= 7
                ? JobResult.Succeeded(id, $"m{i}", new Dictionary<string, OutputTensor> { ["y"] = new OutputTensor<float>(new[] { (float)i }, [1]) }, Model, Published, completed, 1)
                : JobResult.Failed(id, $"m{i}", new JobError(i == 10 ? JobErrorCode.DecodeFailed : JobErrorCode.InvalidJson, "bad"), Model, Published, completed, 1);
            await UploadAsync($"run/batch/{i:D2}.json", result.ToUtf8Json(), cancellationToken);
        }

        await UploadAsync("run/notes.json", "not a result"u8.ToArray(), cancellationToken);
        await UploadAsync("other/batch/99.json", "{}"u8.ToArray(), cancellationToken);
        using var console = new TestConsole();

        var set = await new ResultsReport(console.Console, new ResultReader(_storage))
            .RunAsync(GcsUri.Parse($"gs://{Bucket}/run/"), _directory, cancellationToken);

        var statistics = set.Statistics;
        Assert.Multiple(() =>
        {
            Assert.That(statistics.Total, Is.EqualTo(10));
            Assert.That(statistics.Ok, Is.EqualTo(7));
            Assert.That(statistics.ErrorsByCode, Is.EqualTo(new Dictionary<string, int> { ["decode_failed"] = 1, ["invalid_json"] = 2 }));
            Assert.That(statistics.LatencyP50, Is.EqualTo(TimeSpan.FromMilliseconds(50)));
            Assert.That(statistics.LatencyP90, Is.EqualTo(TimeSpan.FromMilliseconds(90)));
            Assert.That(statistics.LatencyP99, Is.EqualTo(TimeSpan.FromMilliseconds(100)));
            Assert.That(set.Unreadable, Has.Count.EqualTo(1).And.Some.StartsWith("run/notes.json: "));
            Assert.That(File.ReadAllBytes(Path.Combine(_directory, "batch", "03.json")), Is.EqualTo(ObjectBytes("run/batch/03.json")));
            Assert.That(Directory.GetFiles(_directory, "*", SearchOption.AllDirectories), Has.Length.EqualTo(11));
            Assert.That(console.Output, Does.Contain("invalid_json").And.Contain("not a result document: run/notes.json"));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Results_BothLayoutsWithARedeliveredJob_OneResultPerIdAndDuplicatesReported(CancellationToken cancellationToken)
    {
        // Two batch objects (the second holds a redelivered job-02 and a new job-04), one object-layout result, and a
        // batch object whose second line is broken.
        var first = Result("job-01", "m1", 1) + "\n" + Result("job-02", "m2", 1) + "\n" + Result("job-03", "m3", 1) + "\n";
        var second = Result("job-02", "m2", 2) + "\n" + Result("job-04", "m4", 1) + "\n";
        await UploadAsync("run/batches/20261122T100000.000Z-aa-00000001.jsonl", Encoding.UTF8.GetBytes(first), cancellationToken);
        await UploadAsync("run/batches/20261122T100001.000Z-aa-00000002.jsonl", Encoding.UTF8.GetBytes(second), cancellationToken);
        await UploadAsync("run/batches/20261122T100002.000Z-bb-00000001.jsonl", Encoding.UTF8.GetBytes(Result("job-06", "m6", 1) + "\n{not json\n"), cancellationToken);
        await UploadAsync("run/job-05.json", Encoding.UTF8.GetBytes(Result("job-05", "m5", 1)), cancellationToken);
        using var console = new TestConsole();

        var set = await new ResultsReport(console.Console, new ResultReader(_storage))
            .RunAsync(GcsUri.Parse($"gs://{Bucket}/run/"), null, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(set.Results.Select(r => r.Id.Value).Order(), Is.EqualTo(new[] { "job-01", "job-02", "job-03", "job-04", "job-05", "job-06" }));
            Assert.That(set.Results.Single(r => r.Id.Value == "job-02").DeliveryAttempt, Is.EqualTo(1), "the first line by object name is kept");
            Assert.That(set.DuplicatesDropped, Is.EqualTo(1));
            Assert.That(set.Unreadable, Has.Count.EqualTo(1).And.Some.StartsWith("run/batches/20261122T100002.000Z-bb-00000001.jsonl line 2: "));
            Assert.That(console.Output, Does.Contain("duplicates dropped"));
        });
    }

    [Test]
    public void Statistics_NoResults_AreZero()
    {
        var statistics = ResultStatistics.From([]);

        Assert.Multiple(() =>
        {
            Assert.That(statistics.Total, Is.Zero);
            Assert.That(statistics.LatencyP99, Is.EqualTo(TimeSpan.Zero));
            Assert.That(statistics.Throughput, Is.Zero);
        });
    }

    private static string Result(string id, string messageId, int attempt) => Encoding.UTF8.GetString(
        JobResult.Succeeded(
            JobId.Parse(id), messageId, new Dictionary<string, OutputTensor> { ["y"] = new OutputTensor<float>(new[] { 1f }, [1]) }, Model, Published,
            Published.AddMilliseconds(10 * attempt), attempt).ToUtf8Json());

    private Task<Google.Apis.Storage.v1.Data.Object> UploadAsync(string name, byte[] content, CancellationToken cancellationToken) =>
        _storage.UploadObjectAsync(Bucket, name, "application/json", new MemoryStream(content), cancellationToken: cancellationToken);

    private byte[] ObjectBytes(string name) =>
        _emulator.Storage.TryGetObject(Bucket, name, out var stored) ? stored.Data.ToArray() : throw new AssertionException($"no object {name}");
}
