using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PullWorker.Jobs;
using PullWorker.Worker.Hosting;
using PullWorker.Worker.Lifecycle;
using PullWorker.Worker.Pipeline;
using PullWorker.Worker.Tests.EndToEnd;

namespace PullWorker.Worker.Tests.Faults;

/// <summary>
/// A worker whose device breaks (every run fails, the warm-up batch too) stops taking jobs and stops the host, with
/// <c>/healthz</c> failing meanwhile, rather than burning the jobs' delivery attempts; the jobs it held are nacked,
/// never given an error result. <see cref="IntakeFailureTests"/> shows the process exit code of the same mechanism.
/// </summary>
[TestFixture]
public sealed class DeviceFailureTests
{
    private static readonly TimeSpan WithinSeconds = TimeSpan.FromSeconds(15);

    [Test]
    [CancelAfter(60_000)]
    public async Task Worker_DeviceBreaks_HostStopsHealthzNamesTheDeviceAndNoJobIsBlamed(CancellationToken cancellationToken)
    {
        await using var deployment = await LocalDeployment.CreateAsync("device-lost", cancellationToken);
        var healthy = await PublishedJobs.PublishAsync(deployment, 10, seed: 941, malformed: false, cancellationToken);
        using var model = await ModelFile.WriteAsync(healthy.Model, cancellationToken);
        await using var app = WorkerHost.Build([], config => config.AddInMemoryCollection(WorkerEnvironments.Configuration(deployment, model.Path)));
        await app.StartAsync(cancellationToken);
        await healthy.WaitUntilDoneAsync(deployment, cancellationToken);
        var beforeBreak = deployment.Results().Count;
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal)) };

        // ONNX Runtime's terminate flag fails every run from now on, as a lost GPU does.
        app.Services.GetRequiredService<JobPipeline>().Engine!.Executor.Terminate();
        await deployment.PublishAllAsync(TensorJobs.Create(20, seed: 942).Where(c => c.Error is null).Select(c => c.Message), cancellationToken);
        var stopping = app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        await Task.Delay(Timeout.InfiniteTimeSpan, stopping).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(WithinSeconds, cancellationToken);
        var health = await http.GetAsync(new Uri("/healthz", UriKind.Relative), cancellationToken);
        var body = await health.Content.ReadAsStringAsync(cancellationToken);
        var reason = app.Services.GetRequiredService<WorkerFailure>().Reason;
        await app.StopAsync(cancellationToken);

        var results = deployment.Results();
        await TestContext.Out.WriteLineAsync($"device broken: {reason}; {results.Count - beforeBreak} results after the break");
        Assert.Multiple(() =>
        {
            Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(body, Does.StartWith("failing: inference device (Pipeline:Device)"));
            Assert.That(reason, Does.Contain("known-good batch"));
            Assert.That(results.Count, Is.EqualTo(beforeBreak), "jobs after the break are nacked for another worker, not written");
            Assert.That(
                results.Values.Where(r => r.Error is not null).Select(r => r.Error!.Code),
                Has.None.EqualTo(JobErrorCode.InferenceFailed).And.None.EqualTo(JobErrorCode.Unavailable),
                "the device's fault is never blamed on a job");
        });
    }
}
