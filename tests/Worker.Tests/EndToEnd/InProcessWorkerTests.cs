using Google.Protobuf;
using Microsoft.Extensions.Configuration;
using PullWorker.Inference.Stages;
using PullWorker.Jobs.Results;
using PullWorker.Worker.Hosting;

namespace PullWorker.Worker.Tests.EndToEnd;

/// <summary>The whole worker in this process against the emulator over real sockets.</summary>
[TestFixture]
public sealed class InProcessWorkerTests
{
    private string _modelPath = string.Empty;

    [OneTimeSetUp]
    public async Task WriteModel()
    {
        _modelPath = Path.Combine(Path.GetTempPath(), $"tiny-mlp-{Guid.NewGuid():N}.onnx");
        await File.WriteAllBytesAsync(_modelPath, SampleModels.TinyMlp());
    }

    [OneTimeTearDown]
    public void DeleteModel() => File.Delete(_modelPath);

    [Test]
    [CancelAfter(60_000)]
    public async Task Worker_MixedJobs_WritesOneResultPerJobAndAcksAll(CancellationToken cancellationToken)
    {
        await using var deployment = await LocalDeployment.CreateAsync("mixed", cancellationToken);
        await using var app = WorkerHost.Build([], config => config.AddInMemoryCollection(deployment.WorkerConfiguration(_modelPath)));
        await app.StartAsync(cancellationToken);

        const int good = 200;
        for (var i = 0; i < good; i++)
        {
            var values = string.Join(',', Enumerable.Range(0, 16).Select(k => ((i + k) % 7 * 0.1).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            var job = "{\"id\":\"ok/" + i + "\",\"inputs\":{\"x\":{\"dtype\":\"float32\",\"shape\":[16],\"data\":[" + values + "]}}}";
            await deployment.PublishAsync(ByteString.CopyFromUtf8(job), null, cancellationToken);
        }

        await deployment.PublishAsync(ByteString.CopyFromUtf8("""{"id":"bad/json","inputs":"""), null, cancellationToken);
        await deployment.PublishAsync(
            ByteString.CopyFromUtf8("""{"id":"bad/shape","inputs":{"x":{"dtype":"float32","shape":[15],"data":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15]}}}"""),
            null, cancellationToken);

        var results = await deployment.WaitForResultsAsync(good + 2, cancellationToken);
        await app.StopAsync(cancellationToken);

        var stats = deployment.Emulator.PubSub.GetStats(deployment.Subscription);
        Assert.Multiple(() =>
        {
            Assert.That(results, Has.Count.EqualTo(good + 2));
            Assert.That(results.Values.Count(r => r.Status == JobStatus.Ok), Is.EqualTo(good));
            Assert.That(results["bad/json"].Error?.Code, Is.EqualTo(Jobs.JobErrorCode.InvalidJson));
            Assert.That(results["bad/shape"].Error?.Code, Is.EqualTo(Jobs.JobErrorCode.InvalidTensor));
            Assert.That(results["ok/0"].Outputs!["y"].Shape, Is.EqualTo(new long[] { 4 }));
            Assert.That(stats.Backlog, Is.Zero, "every message acked");
        });
    }
}
