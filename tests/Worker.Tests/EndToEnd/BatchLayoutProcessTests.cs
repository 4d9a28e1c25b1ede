using System.Globalization;
using PullWorker.Worker.Tests.Process;

namespace PullWorker.Worker.Tests.EndToEnd;

/// <summary>
/// <c>Worker:ResultLayout=batch</c> with the built worker as a separate process, killed outright mid-run: the emulator
/// stays in this process, so nothing is lost when a worker dies.
/// </summary>
[TestFixture]
public sealed class BatchLayoutProcessTests
{
    private const int Jobs = 800;

    /// <summary>Slow enough storage that the worker is mid-stream when it is killed, fast enough for a short test.</summary>
    private static readonly TimeSpan StorageLatency = TimeSpan.FromMilliseconds(25);

    private ModelFile _model = null!;

    [OneTimeSetUp]
    public async Task WriteModel() => _model = await ModelFile.WriteAsync(TensorJobs.Model(), CancellationToken.None);

    [OneTimeTearDown]
    public void DeleteModel() => _model.Dispose();

    [Test]
    [CancelAfter(120_000)]
    public async Task BatchLayout_KilledWithSigkillTwiceMidway_EveryJobPresentAndDuplicatesIdenticalInIdAndMessageId(CancellationToken cancellationToken)
    {
        await using var clock = new SkippableClock();
        await using var deployment = await LocalDeployment.CreateAsync("batch-sigkill", cancellationToken, clock.Time);
        var cases = TensorJobs.Create(Jobs * 2, seed: 19).Where(c => c.Error is null).Take(Jobs).ToList();
        var messageIds = await deployment.PublishAllAsync(cases.Select(c => c.Message), cancellationToken);
        var expected = ResultExpectations.ExpectedNames(cases, messageIds);
        deployment.Emulator.Storage.Faults.Latency = StorageLatency;

        var progress = new List<int>();
        foreach (var killAt in new[] { Jobs / 5, Jobs / 2 })
        {
            await using (var worker = WorkerProcess.Start(Environment(deployment)))
            {
                await deployment.WaitForBatchLinesAsync(killAt, cancellationToken);
                worker.Kill();
                await worker.WaitForExitAsync(cancellationToken);
            }

            // The dead worker's leases run out; Pub/Sub redelivers what they held.
            progress.Add(deployment.BatchLines().Select(l => l.Id.Value).Distinct().Count());
            await clock.SkipOnceStreamsEndAsync(deployment, liveStreams: 0, TimeSpan.FromMinutes(2), cancellationToken);
            await deployment.WaitForStatsAsync(s => s.Outstanding == 0, cancellationToken);
        }

        await using var last = WorkerProcess.Start(Environment(deployment));
        await deployment.WaitForBatchLinesAsync(Jobs, cancellationToken);
        var stats = await deployment.WaitForStatsAsync(s => s.Backlog == 0 && s.Outstanding == 0, cancellationToken);
        var lines = deployment.BatchLines();
        await TestContext.Out.WriteLineAsync(
            $"distinct ids after each SIGKILL: {string.Join(", ", progress)}; {lines.Count} lines for {Jobs} jobs; {stats}");

        using var reference = new ReferenceModel(TensorJobs.Model());
        var byId = lines.GroupBy(l => l.Id.Value).ToDictionary(g => g.Key, g => g.ToList());
        var messageIdOf = expected.Zip(messageIds).ToDictionary(p => p.First, p => p.Second);
        Assert.Multiple(() =>
        {
            Assert.That(progress, Has.All.LessThan(Jobs), "each worker was killed midway");
            Assert.That(byId.Keys.Order(), Is.EqualTo(expected.Order()), "every job present at least once, nothing else");
            Assert.That(
                byId.Where(g => g.Value.Any(l => l.MessageId != messageIdOf[g.Key])).Select(g => g.Key),
                Is.Empty,
                "every line, duplicates included, carries its job's id and message id");
            Assert.That(ResultExpectations.Mismatches(cases, messageIds, byId.ToDictionary(g => g.Key, g => g.Value[0]), reference), Is.Empty);
            Assert.That(stats.Expired, Is.GreaterThan(0), "the killed workers' leases ran out and were redelivered");
        });
    }

    private Dictionary<string, string?> Environment(LocalDeployment deployment)
    {
        var environment = deployment.WorkerEnvironment(_model.Path);
        environment["Worker__ResultLayout"] = "batch";
        environment["Shutdown__Grace"] = TimeSpan.FromSeconds(10).ToString("c", CultureInfo.InvariantCulture);
        environment["Subscriber__AckDeadline"] = "00:00:10";
        environment["Subscriber__AckExtensionWindow"] = "00:00:05";
        return environment;
    }
}
