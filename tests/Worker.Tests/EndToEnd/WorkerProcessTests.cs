using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using PullWorker.Worker.Tests.Process;

namespace PullWorker.Worker.Tests.EndToEnd;

/// <summary>
/// The built worker as a separate process, as it runs on a VM: killed outright, stopped with SIGTERM under load,
/// probed on its health port. The emulator stays in this process, so nothing is lost when a worker dies.
/// </summary>
[TestFixture]
public sealed class WorkerProcessTests
{
    private const int Jobs = 800;

    /// <summary>Slow enough storage that the worker is mid-stream when it is stopped, fast enough for a short test.</summary>
    private static readonly TimeSpan StorageLatency = TimeSpan.FromMilliseconds(25);

    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    /// <summary>The client library's shortest lease, so what does lapse comes back soon.</summary>
    private static readonly TimeSpan AckDeadline = TimeSpan.FromSeconds(10);

    private ModelFile _model = null!;

    [OneTimeSetUp]
    public async Task WriteModel() => _model = await ModelFile.WriteAsync(TensorJobs.Model(), CancellationToken.None);

    [OneTimeTearDown]
    public void DeleteModel() => _model.Dispose();

    [Test]
    [CancelAfter(90_000)]
    public async Task Worker_KilledWithSigkillMidway_RestartedWorkerLeavesExactlyOneResultPerJob(CancellationToken cancellationToken)
    {
        await using var clock = new SkippableClock();
        await using var deployment = await LocalDeployment.CreateAsync("sigkill", cancellationToken, clock.Time);
        var (cases, messageIds) = await PublishAsync(deployment, cancellationToken);
        deployment.Emulator.Storage.Faults.Latency = StorageLatency;

        await using (var first = WorkerProcess.Start(Environment(deployment)))
        {
            await deployment.WaitForResultsAsync(Jobs / 5, cancellationToken);
            first.Kill();
            await first.WaitForExitAsync(cancellationToken);
        }

        // The dead worker's leases (up to the subscriber's first 60 s) run out; Pub/Sub redelivers what they held.
        var afterKill = deployment.Results().Count;
        await clock.SkipOnceStreamsEndAsync(deployment, liveStreams: 0, TimeSpan.FromMinutes(2), cancellationToken);
        await deployment.WaitForStatsAsync(s => s.Outstanding == 0, cancellationToken);
        await using var second = WorkerProcess.Start(Environment(deployment));
        var results = await deployment.WaitForResultsAsync(Jobs, cancellationToken);
        var stats = await deployment.WaitForStatsAsync(s => s.Backlog == 0, cancellationToken);
        await TestContext.Out.WriteLineAsync($"{afterKill} results before SIGKILL; after restart: {stats}");

        using var reference = new ReferenceModel(TensorJobs.Model());
        var mismatches = ResultExpectations.Mismatches(cases, messageIds, results, reference);
        Assert.Multiple(() =>
        {
            Assert.That(afterKill, Is.LessThan(Jobs), "the first worker was killed midway");
            Assert.That(results.Keys.Order(), Is.EqualTo(ResultExpectations.ExpectedNames(cases, messageIds).Order()), "one result per job");
            Assert.That(mismatches, Is.Empty);
            Assert.That(stats.Expired, Is.GreaterThan(0), "the killed worker's leases ran out and were redelivered");
            Assert.That(results.Values.Any(r => r.DeliveryAttempt > 1), Is.True, "some jobs finished on redelivery");
        });
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task Worker_SigtermUnderLoad_ExitsZeroWithinGraceAndNacksWhatItHadNotStarted(CancellationToken cancellationToken)
    {
        await using var clock = new SkippableClock();
        await using var deployment = await LocalDeployment.CreateAsync("sigterm", cancellationToken, clock.Time);
        var (cases, messageIds) = await PublishAsync(deployment, cancellationToken);
        deployment.Emulator.Storage.Faults.Latency = StorageLatency;

        TimeSpan drain;
        int exitCode;
        await using (var first = WorkerProcess.Start(Environment(deployment)))
        {
            await deployment.WaitForResultsAsync(Jobs / 5, cancellationToken);
            var stopwatch = Stopwatch.StartNew();
            await first.TerminateAsync(cancellationToken);
            exitCode = await first.WaitForExitAsync(cancellationToken);
            drain = stopwatch.Elapsed;
            Assert.That(first.Stdout, Has.Some.Contains("(complete: True)"), first.Transcript());
        }

        // What the worker nacked is deliverable again once the subscription's retry backoff (at most 5 s) has passed:
        // before any lease (10 s) could have expired. Google's client cancels its streams on stop, so messages the
        // emulator sent into them as the nacks freed room were never read: those come back when their lease lapses.
        var afterExit = deployment.Emulator.PubSub.GetStats(deployment.Subscription);
        await clock.SkipOnceStreamsEndAsync(deployment, liveStreams: 0, LocalDeployment.MaxRetryBackoff + TimeSpan.FromSeconds(1), cancellationToken);
        var redelivered = (await deployment.PullAndNackAsync(cancellationToken)).Count(m => m.DeliveryAttempt > 1);
        clock.Skip(AckDeadline);
        await TestContext.Out.WriteLineAsync($"drain took {drain.TotalSeconds:F2} s; after exit: {afterExit}; {redelivered} redelivered at once");

        await using var second = WorkerProcess.Start(Environment(deployment));
        var results = await deployment.WaitForResultsAsync(Jobs, cancellationToken);
        var stats = await deployment.WaitForStatsAsync(s => s.Backlog == 0, cancellationToken);

        using var reference = new ReferenceModel(TensorJobs.Model());
        var mismatches = ResultExpectations.Mismatches(cases, messageIds, results, reference);
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero, "exit code after a drain");
            Assert.That(drain, Is.LessThan(Grace), "drained within Shutdown:Grace");
            Assert.That(afterExit.Nacked, Is.GreaterThan(0), "unstarted messages nacked");
            Assert.That(redelivered, Is.GreaterThan(0), "nacked messages are delivered again at once");
            Assert.That(results.Keys.Order(), Is.EqualTo(ResultExpectations.ExpectedNames(cases, messageIds).Order()), "one result per job");
            Assert.That(mismatches, Is.Empty);
            Assert.That(stats.Expired, Is.LessThanOrEqualTo(afterExit.Outstanding), "only what was still in the cancelled streams lapsed");
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Worker_Running_HealthPortAnswersAliveReadyAndMetrics(CancellationToken cancellationToken)
    {
        await using var deployment = await LocalDeployment.CreateAsync("health", cancellationToken);
        await using var worker = WorkerProcess.Start(Environment(deployment));
        var port = await worker.WaitForHealthPortAsync(cancellationToken);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };

        var alive = await http.GetAsync(new Uri("/healthz", UriKind.Relative), cancellationToken);
        var ready = await WaitForReadyAsync(http, cancellationToken);
        await deployment.PublishAllAsync([TensorJobs.Create(1, seed: 3)[0].Message], cancellationToken);
        await deployment.WaitForResultsAsync(1, cancellationToken);
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), cancellationToken);

        using var readiness = JsonDocument.Parse(ready);
        Assert.Multiple(() =>
        {
            Assert.That(alive.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(readiness.RootElement.GetProperty("ready").GetBoolean(), Is.True);
            Assert.That(readiness.RootElement.GetProperty("modelLoaded").GetBoolean(), Is.True);
            Assert.That(readiness.RootElement.GetProperty("bucketsChecked").GetBoolean(), Is.True);
            Assert.That(readiness.RootElement.GetProperty("subscriberStarted").GetBoolean(), Is.True);
            Assert.That(metrics, Does.Contain("pullworker_jobs_completed"));
        });
    }

    private static async Task<string> WaitForReadyAsync(HttpClient http, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var response = await http.GetAsync(new Uri("/readyz", UriKind.Relative), cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return body;
            }

            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), body);
            await Task.Delay(100, cancellationToken);
        }
    }

    private static async Task<(List<JobCase> Cases, IReadOnlyList<string> MessageIds)> PublishAsync(LocalDeployment deployment, CancellationToken cancellationToken)
    {
        // Well-formed jobs only: every one must end up with outputs, however often it is delivered.
        var cases = TensorJobs.Create(Jobs * 2, seed: 9).Where(c => c.Error is null).Take(Jobs).ToList();
        return (cases, await deployment.PublishAllAsync(cases.Select(c => c.Message), cancellationToken));
    }

    private Dictionary<string, string?> Environment(LocalDeployment deployment)
    {
        var environment = deployment.WorkerEnvironment(_model.Path);
        environment["Shutdown__Grace"] = Grace.ToString("c", CultureInfo.InvariantCulture);
        environment["Subscriber__AckDeadline"] = AckDeadline.ToString("c", CultureInfo.InvariantCulture);
        environment["Subscriber__AckExtensionWindow"] = "00:00:05";
        return environment;
    }
}
