using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PullWorker.Worker.Hosting;
using PullWorker.Worker.Messaging;
using PullWorker.Worker.Tests.EndToEnd;
using PullWorker.Worker.Tests.Process;

namespace PullWorker.Worker.Tests.Faults;

/// <summary>
/// A worker whose intake fails for good (its subscription deleted while it runs) does not stay up looking healthy:
/// <c>/healthz</c> turns failing and the process exits non-zero within seconds, so the instance group replaces it.
/// </summary>
[TestFixture]
public sealed class IntakeFailureTests
{
    private static readonly TimeSpan WithinSeconds = TimeSpan.FromSeconds(15);

    /// <summary>
    /// In this process nothing ends the host when it is told to stop, so the failing <c>/healthz</c>, which a
    /// process shows only for the moment before it exits, can be read at leisure.
    /// </summary>
    [Test]
    [CancelAfter(60_000)]
    public async Task Worker_SubscriptionDeleted_HealthzAnswers503NamingTheIntakeAndTheHostIsStopped(CancellationToken cancellationToken)
    {
        await using var deployment = await LocalDeployment.CreateAsync("intake-health", cancellationToken);
        var published = await PublishedJobs.PublishAsync(deployment, 10, seed: 932, malformed: false, cancellationToken);
        using var model = await ModelFile.WriteAsync(published.Model, cancellationToken);
        await using var app = WorkerHost.Build([], config => config.AddInMemoryCollection(WorkerEnvironments.Configuration(deployment, model.Path)));
        await app.StartAsync(cancellationToken);
        await published.WaitUntilDoneAsync(deployment, cancellationToken);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal)) };
        var before = await http.GetAsync(new Uri("/healthz", UriKind.Relative), cancellationToken);

        var admin = await PubSubClients.SubscriptionAdminAsync(deployment.Emulator.PubSubEmulatorHost, cancellationToken);
        await admin.DeleteSubscriptionAsync(deployment.Subscription, cancellationToken);
        var stopping = app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        await Task.Delay(Timeout.InfiniteTimeSpan, stopping).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(WithinSeconds, cancellationToken);
        var after = await http.GetAsync(new Uri("/healthz", UriKind.Relative), cancellationToken);
        var body = await after.Content.ReadAsStringAsync(cancellationToken);
        await app.StopAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(before.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(body, Does.StartWith("failing: Pub/Sub intake (Worker:Subscription)"));
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
}
