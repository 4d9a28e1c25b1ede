using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PullWorker.Jobs;
using PullWorker.Worker.Hosting;
using PullWorker.Worker.Lifecycle;
using PullWorker.Worker.Messaging;
using PullWorker.Worker.Processing;
using PullWorker.Worker.Tests.EndToEnd;
using PullWorker.Worker.Tests.Process;

namespace PullWorker.Worker.Tests.Faults;

/// <summary>
/// A worker that can no longer work (its subscription deleted while it runs, or its device broken) does not stay up
/// looking healthy: <c>/healthz</c> turns failing and the host stops, so the process exits non-zero within seconds
/// and the instance group replaces it. The jobs it held are nacked for another worker, never blamed.
/// </summary>
[TestFixture]
public sealed class CannotWorkTests
{
    private static readonly TimeSpan WithinSeconds = TimeSpan.FromSeconds(15);

    [Test]
    [CancelAfter(60_000)]
    public async Task Worker_SubscriptionDeleted_HealthzAnswers503NamingTheIntakeAndTheHostIsStopped(CancellationToken cancellationToken)
    {
        await using var deployment = await LocalDeployment.CreateAsync("intake-health", cancellationToken);
        var failure = await RunUntilItCannotWorkAsync(
            deployment,
            async _ => await (await PubSubClients.SubscriptionAdminAsync(deployment.Emulator.PubSubEmulatorHost, cancellationToken))
                .DeleteSubscriptionAsync(deployment.Subscription, cancellationToken),
            cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(failure.HealthBefore, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(failure.HealthAfter, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(failure.Body, Does.StartWith("failing: Pub/Sub intake (Worker:Subscription)"));
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Worker_DeviceBreaks_HostStopsHealthzNamesTheDeviceAndNoJobIsBlamed(CancellationToken cancellationToken)
    {
        await using var deployment = await LocalDeployment.CreateAsync("device-lost", cancellationToken);
        var failure = await RunUntilItCannotWorkAsync(
            deployment,
            async app =>
            {
                // ONNX Runtime's terminate flag fails every run from now on, as a lost GPU does.
                app.Services.GetRequiredService<PullWorkerService>().Engine!.Executor.Terminate();
                await deployment.PublishAllAsync(TensorJobs.Create(20, seed: 942).Where(c => c.Error is null).Select(c => c.Message), cancellationToken);
            },
            cancellationToken);

        var results = deployment.Results();
        Assert.Multiple(() =>
        {
            Assert.That(failure.HealthAfter, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(failure.Body, Does.StartWith("failing: inference device (Pipeline:Device)"));
            Assert.That(failure.Reason, Does.Contain("known-good batch"));
            Assert.That(results, Has.Count.EqualTo(failure.ResultsBefore), "jobs after the break are nacked for another worker, not written");
            Assert.That(
                results.Values.Where(r => r.Error is not null).Select(r => r.Error!.Code),
                Has.None.EqualTo(JobErrorCode.InferenceFailed).And.None.EqualTo(JobErrorCode.Unavailable),
                "the device's fault is never blamed on a job");
        });
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task Worker_SubscriptionDeletedWhileRunning_HealthzFailsAndExitsNonZeroWithinSeconds(CancellationToken cancellationToken)
    {
        await using var deployment = await LocalDeployment.CreateAsync("intake-lost", cancellationToken);
        var published = await PublishedJobs.PublishAsync(deployment, 50, seed: 931, malformed: false, cancellationToken);
        using var model = await ModelFile.WriteAsync(published.Model, cancellationToken);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };

        await using var worker = WorkerProcess.Start(WorkerEnvironments.Process(deployment, model.Path));
        var port = await worker.WaitForHealthPortAsync(cancellationToken);
        var healthz = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/healthz");
        await published.WaitUntilDoneAsync(deployment, cancellationToken);
        var healthyStatus = (await http.GetAsync(healthz, cancellationToken)).StatusCode;

        var admin = await PubSubClients.SubscriptionAdminAsync(deployment.Emulator.PubSubEmulatorHost, cancellationToken);
        var clock = Stopwatch.StartNew();
        await admin.DeleteSubscriptionAsync(deployment.Subscription, cancellationToken);
        var failingStatuses = new List<HttpStatusCode>();
        var exiting = worker.WaitForExitAsync(cancellationToken);
        while (!exiting.IsCompleted && clock.Elapsed < WithinSeconds)
        {
            try
            {
                failingStatuses.Add((await http.GetAsync(healthz, cancellationToken)).StatusCode);
            }
            catch (HttpRequestException)
            {
                // The process is on its way out: the port is closed.
            }

            await Task.WhenAny(exiting, Task.Delay(100, cancellationToken));
        }

        var exitCode = await exiting.WaitAsync(WithinSeconds, cancellationToken);
        var exitedAfter = clock.Elapsed;
        await TestContext.Out.WriteLineAsync(
            $"subscription deleted: exit code {exitCode} after {exitedAfter.TotalSeconds:F1} s; /healthz meanwhile: {string.Join(", ", failingStatuses.Distinct())}");
        var errors = worker.Stderr.Where(line => line.Length > 0).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(healthyStatus, Is.EqualTo(HttpStatusCode.OK), "healthy while it works");
            Assert.That(exitCode, Is.EqualTo(WorkerHost.CannotWorkExitCode), worker.Transcript());
            Assert.That(exitedAfter, Is.LessThan(WithinSeconds));
            Assert.That(
                failingStatuses.SkipWhile(status => status == HttpStatusCode.OK),
                Is.All.EqualTo(HttpStatusCode.ServiceUnavailable),
                "once failing, never healthy again");
            Assert.That(errors.LastOrDefault(), Does.StartWith("pullworker: cannot work: Pub/Sub intake (Worker:Subscription)"), worker.Transcript());
        });
    }

    /// <summary>
    /// Runs a worker in this process until it has done some jobs, applies <paramref name="breakIt"/>, and waits for
    /// the host to be told to stop. In this process nothing ends the host when it is told to stop, so the failing
    /// <c>/healthz</c>, which a process shows only for the moment before it exits, can be read at leisure.
    /// </summary>
    private static async Task<Failure> RunUntilItCannotWorkAsync(
        LocalDeployment deployment, Func<WebApplication, Task> breakIt, CancellationToken cancellationToken)
    {
        var published = await PublishedJobs.PublishAsync(deployment, 10, seed: 932, malformed: false, cancellationToken);
        using var model = await ModelFile.WriteAsync(published.Model, cancellationToken);
        await using var app = WorkerHost.Build([], config => config.AddInMemoryCollection(WorkerEnvironments.Configuration(deployment, model.Path)));
        await app.StartAsync(cancellationToken);
        await published.WaitUntilDoneAsync(deployment, cancellationToken);
        var resultsBefore = deployment.Results().Count;
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal)) };
        var before = await http.GetAsync(new Uri("/healthz", UriKind.Relative), cancellationToken);

        await breakIt(app);
        var stopping = app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        await Task.Delay(Timeout.InfiniteTimeSpan, stopping).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(WithinSeconds, cancellationToken);
        var after = await http.GetAsync(new Uri("/healthz", UriKind.Relative), cancellationToken);
        var body = await after.Content.ReadAsStringAsync(cancellationToken);
        var reason = app.Services.GetRequiredService<WorkerFailure>().Reason;
        await app.StopAsync(cancellationToken);
        await TestContext.Out.WriteLineAsync($"cannot work: {reason}");
        return new Failure(before.StatusCode, after.StatusCode, body, reason, resultsBefore);
    }

    private sealed record Failure(HttpStatusCode HealthBefore, HttpStatusCode HealthAfter, string Body, string? Reason, int ResultsBefore);
}
