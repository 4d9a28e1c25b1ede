using System.Globalization;
using Microsoft.Extensions.Configuration;
using PullWorker.Jobs;
using PullWorker.Jobs.Results;
using PullWorker.Worker.Hosting;

namespace PullWorker.Worker.Tests.EndToEnd;

/// <summary>
/// A job that keeps failing for a reason not its own is dead-lettered by Pub/Sub after the subscription's
/// maximum delivery attempts; on the last one the worker writes its error result first, so the user finds out.
/// </summary>
[TestFixture]
public sealed class LastAttemptTests
{
    private string _directory = string.Empty;

    [OneTimeSetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("pullworker-last-").FullName;

    [OneTimeTearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    [CancelAfter(60_000)]
    public async Task Worker_InputStorageFailsOnLastDeliveryAttempt_WritesErrorResultBeforeDeadLettering(CancellationToken cancellationToken)
    {
        await using var clock = new SkippableClock();
        await using var deployment = await LocalDeployment.CreateAsync("last-attempt", cancellationToken, clock.Time);
        var images = new ImageJobs(count: 1);
        await images.UploadAsync(deployment, cancellationToken);
        var job = images.Create(2)[1];
        Assert.That(job.Message.Data.ToStringUtf8(), Does.Contain("gs://"), "a job whose input is read from Cloud Storage");
        await deployment.PublishAllAsync([job.Message], cancellationToken);

        // Someone else had it for every attempt but the last, and gave it back each time.
        for (var attempt = 1; attempt < LocalDeployment.MaxDeliveryAttempts; attempt++)
        {
            var pulled = await deployment.PullAndNackAsync(cancellationToken);
            Assert.That(pulled.Select(m => m.DeliveryAttempt), Is.EqualTo(new[] { attempt }));
            clock.Skip(LocalDeployment.MaxRetryBackoff + TimeSpan.FromSeconds(1));
        }

        var configuration = deployment.WorkerConfiguration(await WriteDemoModelAsync(cancellationToken));
        configuration["Pipeline:Image:Width"] = ImageJobs.Size.ToString(CultureInfo.InvariantCulture);
        configuration["Pipeline:Image:Height"] = ImageJobs.Size.ToString(CultureInfo.InvariantCulture);
        configuration["Storage:RetryAttempts"] = "1";
        configuration["Storage:RetryBaseDelay"] = "00:00:00.010";
        deployment.Emulator.PubSub.PauseDelivery();
        await using var app = WorkerHost.Build([], config => config.AddInMemoryCollection(configuration));
        await app.StartAsync(cancellationToken);

        // The input fetch is the worker's next storage request after start-up: it fails, retry included; the result
        // write after it works.
        deployment.Emulator.Storage.Faults.FailNext(2, 503);
        deployment.Emulator.PubSub.ResumeDelivery();
        var results = await deployment.WaitForResultsAsync(1, cancellationToken);

        // The nack's backoff passes; Pub/Sub then dead-letters the message instead of delivering it a sixth time.
        clock.Skip(TimeSpan.FromMinutes(2));
        var stats = await deployment.WaitForStatsAsync(s => s.Backlog == 0, cancellationToken);
        await app.StopAsync(cancellationToken);

        var result = results[job.Id!];
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(JobStatus.Error));
            Assert.That(result.Error?.Code, Is.EqualTo(JobErrorCode.Unavailable));
            Assert.That(result.Error?.Message, Does.StartWith("not processed: "));
            Assert.That(result.Error?.Message, Does.EndWith($"after {LocalDeployment.MaxDeliveryAttempts} attempts; it can be published again"));
            Assert.That(result.DeliveryAttempt, Is.EqualTo(LocalDeployment.MaxDeliveryAttempts));
            Assert.That(stats.Acked, Is.Zero, "dead-lettered, not acked");
        });
    }

    private async Task<string> WriteDemoModelAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(_directory, "demo.onnx");
        await File.WriteAllBytesAsync(path, Inference.Stages.SampleModels.Demo(), cancellationToken);
        return path;
    }
}
