using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using PullWorker.Jobs.Results;
using PullWorker.Worker.Hosting;

namespace PullWorker.Worker.Tests.EndToEnd;

/// <summary><c>Worker:ResultLayout=batch</c>: the whole worker in this process against the emulator over real sockets.</summary>
[TestFixture]
public sealed class BatchLayoutTests
{
    private const string BatchResults = "batch/";

    private ModelFile _model = null!;

    [OneTimeSetUp]
    public async Task WriteModel() => _model = await ModelFile.WriteAsync(TensorJobs.Model(), CancellationToken.None);

    [OneTimeTearDown]
    public void DeleteModel() => _model.Dispose();

    [Test]
    [CancelAfter(90_000)]
    public async Task BatchLayout_NoFaults_ExactlyOneLinePerJobEqualToWhatTheObjectLayoutWrites(CancellationToken cancellationToken)
    {
        const int jobs = 400;
        await using var deployment = await LocalDeployment.CreateAsync("layouts", cancellationToken);
        var batchSubscription = await deployment.AddSubscriptionAsync("layouts-batch", cancellationToken);
        var objectConfiguration = deployment.WorkerConfiguration(_model.Path);
        objectConfiguration["Jobs:MaxMessageBytes"] = TensorJobs.MaxMessageBytes.ToString(CultureInfo.InvariantCulture);
        var batchConfiguration = new Dictionary<string, string?>(objectConfiguration);
        batchConfiguration["Worker:Subscription"] = batchSubscription;
        batchConfiguration["Worker:Results"] = $"gs://{LocalDeployment.ResultsBucket}/{BatchResults}";
        batchConfiguration["Worker:ResultLayout"] = "batch";

        // The same messages (same message IDs and publish times) go to a worker of each layout.
        await using var objectWorker = WorkerHost.Build([], config => config.AddInMemoryCollection(objectConfiguration));
        await using var batchWorker = WorkerHost.Build([], config => config.AddInMemoryCollection(batchConfiguration));
        await objectWorker.StartAsync(cancellationToken);
        await batchWorker.StartAsync(cancellationToken);
        var cases = TensorJobs.Create(jobs, seed: 15);
        var messageIds = await deployment.PublishAllAsync(cases.Select(c => c.Message), cancellationToken);

        var objects = await deployment.WaitForResultsAsync(jobs, cancellationToken);
        await deployment.WaitForBatchLinesAsync(jobs, cancellationToken, BatchResults);
        await deployment.WaitForStatsAsync(s => s.Backlog == 0 && s.Outstanding == 0, cancellationToken);
        await batchWorker.StopAsync(cancellationToken);
        await objectWorker.StopAsync(cancellationToken);
        var lines = deployment.BatchLines(BatchResults);
        var batchObjects = deployment.Emulator.Storage.ListObjects(LocalDeployment.ResultsBucket, BatchResults);
        var byId = lines.ToDictionary(l => l.Id.Value);
        await TestContext.Out.WriteLineAsync($"{jobs} jobs: {batchObjects.Count} batch objects, {(double)jobs / batchObjects.Count:F1} lines each");

        using var reference = new ReferenceModel(TensorJobs.Model());
        var expected = ResultExpectations.ExpectedNames(cases, messageIds);
        Assert.Multiple(() =>
        {
            Assert.That(lines, Has.Count.EqualTo(jobs), "exactly one line per job");
            Assert.That(byId.Keys.Order(), Is.EqualTo(expected.Order()));
            Assert.That(ResultExpectations.Mismatches(cases, messageIds, byId, reference), Is.Empty);
            Assert.That(batchObjects, Has.Count.LessThan(jobs / 2), "results grouped into batch objects");
            Assert.That(batchObjects.Select(o => o.ContentType), Has.All.EqualTo("application/x-ndjson"));
            foreach (var name in expected)
            {
                Assert.That(WithoutCompletionTime(byId[name]), Is.EqualTo(WithoutCompletionTime(objects[name])), name);
            }
        });
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task BatchLayout_BatchWritesFail_JobsRedeliveredAndNeverLostOrWrittenAsErrors(CancellationToken cancellationToken)
    {
        const int jobs = 120;
        await using var deployment = await LocalDeployment.CreateAsync("batch-faults", cancellationToken);
        var configuration = deployment.WorkerConfiguration(_model.Path);
        configuration["Worker:ResultLayout"] = "batch";
        configuration["Storage:RetryAttempts"] = "1";
        configuration["Storage:RetryBaseDelay"] = "00:00:00.010";
        await using var app = WorkerHost.Build([], config => config.AddInMemoryCollection(configuration));
        await app.StartAsync(cancellationToken);
        var cases = TensorJobs.Create(jobs * 2, seed: 17).Where(c => c.Error is null).Take(jobs).ToList();

        // Every write fails until the first nacks are seen; then storage recovers and the redeliveries land.
        deployment.Emulator.Storage.Faults.ErrorRate = 1.0;
        var messageIds = await deployment.PublishAllAsync(cases.Select(c => c.Message), cancellationToken);
        await deployment.WaitForStatsAsync(s => s.Nacked >= 10, cancellationToken);
        var linesDuringFaults = deployment.BatchLines().Count;
        deployment.Emulator.Storage.Faults.Reset();
        var lines = await deployment.WaitForBatchLinesAsync(jobs, cancellationToken);
        var stats = await deployment.WaitForStatsAsync(s => s.Backlog == 0 && s.Outstanding == 0, cancellationToken);
        await app.StopAsync(cancellationToken);
        lines = deployment.BatchLines();

        using var reference = new ReferenceModel(TensorJobs.Model());
        var first = lines.GroupBy(l => l.Id.Value).ToDictionary(g => g.Key, g => g.First());
        Assert.Multiple(() =>
        {
            Assert.That(linesDuringFaults, Is.Zero);
            Assert.That(stats.Nacked, Is.GreaterThanOrEqualTo(10), "failed batch writes were nacked");
            Assert.That(first.Keys.Order(), Is.EqualTo(ResultExpectations.ExpectedNames(cases, messageIds).Order()), "no job lost");
            Assert.That(lines.Where(l => l.Status != JobStatus.Ok).Select(l => $"{l.Id}: {l.Error?.Code} {l.Error?.Message}"), Is.Empty, "no error line");
            Assert.That(ResultExpectations.Mismatches(cases, messageIds, first, reference), Is.Empty);
            Assert.That(lines.Any(l => l.DeliveryAttempt > 1), Is.True, "some jobs landed on redelivery");
        });
    }

    private static string WithoutCompletionTime(JobResult result)
    {
        var json = JsonNode.Parse(result.ToUtf8Json())!.AsObject();
        json.Remove("completedAt");
        return json.ToJsonString();
    }
}
