using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using PullWorker.Inference.Onnx;
using PullWorker.Inference.Stages;
using PullWorker.Inference.Tensors;

namespace PullWorker.Worker.Tests.EndToEnd;

/// <summary>
/// A gs:// model replaced while the worker runs: new jobs switch to it, none is lost; a replacement that cannot run
/// leaves the running model in place and is not loaded again until it changes.
/// </summary>
[TestFixture]
public sealed class ModelReloadTests
{
    private const string ModelObject = "models/model.onnx";
    private const string Refused = "The changed model cannot run";

    [Test]
    [CancelAfter(90_000)]
    public async Task Worker_ModelObjectReplaced_LaterJobsRunOnNewModel(CancellationToken cancellationToken)
    {
        await using var deployment = await LocalDeployment.CreateAsync("reload", cancellationToken);
        await deployment.UploadAsync(LocalDeployment.InputsBucket, ModelObject, SampleModels.TinyMlp(), cancellationToken);
        await using var app = ModelProbes.Worker(deployment, ModelObject, TimeSpan.FromMilliseconds(200));
        await app.StartAsync(cancellationToken);

        await ModelProbes.PublishJobsAsync(deployment, "before", 20, cancellationToken);
        var before = await deployment.WaitForResultsAsync(20, cancellationToken);
        var oldDownload = Download(deployment);
        var oldDownloaded = Directory.Exists(oldDownload);

        await deployment.UploadAsync(LocalDeployment.InputsBucket, ModelObject, Doubler(), cancellationToken);
        var switched = await ModelProbes.WaitForModelChangeAsync(deployment, before.Values.First().Model.Sha256, alreadyWritten: 20, cancellationToken);
        await ModelProbes.PublishJobsAsync(deployment, "after", 20, cancellationToken);
        var all = await deployment.WaitForResultsAsync(40 + switched, cancellationToken);
        var oldDeleted = await DeletedAsync(oldDownload, cancellationToken);
        await app.StopAsync(cancellationToken);

        var after = all.Where(r => r.Key.StartsWith("after/", StringComparison.Ordinal)).Select(r => r.Value).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(before.Values.Select(r => r.Model.Sha256).Distinct().Count(), Is.EqualTo(1));
            Assert.That(after, Has.Count.EqualTo(20));
            Assert.That(after.Select(r => r.Model.Sha256), Is.All.Not.EqualTo(before.Values.First().Model.Sha256));
            Assert.That(after.Select(r => r.Outputs!["y"].Shape), Is.All.EqualTo(new long[] { 16 }), "the doubler's output");
            Assert.That(deployment.Emulator.PubSub.GetStats(deployment.Subscription).Backlog, Is.Zero);
            Assert.That(oldDownloaded, Is.True, $"the model was downloaded to {oldDownload}");
            Assert.That(oldDeleted, Is.True, "the replaced model's download is deleted once its last job is done");
            Assert.That(Directory.Exists(Download(deployment)), Is.True, "the running model's download stays");
        });
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task Worker_ModelReplacedByOneThatCannotRun_KeepsTheOldRefusesItOnceThenTakesTheNextGoodOne(CancellationToken cancellationToken)
    {
        await using var deployment = await LocalDeployment.CreateAsync("refuse", cancellationToken);
        await deployment.UploadAsync(LocalDeployment.InputsBucket, ModelObject, SampleModels.TinyMlp(), cancellationToken);
        await using var app = ModelProbes.Worker(deployment, ModelObject, TimeSpan.FromMilliseconds(100));
        using var logs = new FakeLoggerProvider();
        app.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
        await app.StartAsync(cancellationToken);
        await ModelProbes.PublishJobsAsync(deployment, "before", 1, cancellationToken);
        var good = (await deployment.WaitForResultsAsync(1, cancellationToken))["before/0"].Model.Sha256;

        await deployment.UploadAsync(LocalDeployment.InputsBucket, ModelObject, "not an ONNX model"u8.ToArray(), cancellationToken);
        for (var wait = 0; wait < 200 && Count(logs, Refused) == 0; wait++)
        {
            await Task.Delay(50, cancellationToken);
        }

        // Ten more polls see the same refused version.
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        var refusals = Count(logs, Refused);
        await ModelProbes.PublishJobsAsync(deployment, "during", 1, cancellationToken);
        var during = (await deployment.WaitForResultsAsync(2, cancellationToken))["during/0"];

        await deployment.UploadAsync(LocalDeployment.InputsBucket, ModelObject, Doubler(), cancellationToken);
        var probes = await ModelProbes.WaitForModelChangeAsync(deployment, good, alreadyWritten: 2, cancellationToken);
        var next = (await deployment.WaitForResultsAsync(2 + probes, cancellationToken))[$"probe{probes - 1}/0"];
        await app.StopAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(refusals, Is.EqualTo(1), "the version that cannot run is loaded once, not at every poll");
            Assert.That(during.Error, Is.Null);
            Assert.That(during.Model.Sha256, Is.EqualTo(good), "jobs keep running on the model that works");
            Assert.That(
                ((Jobs.Results.OutputTensor<float>)next.Outputs!["y"]).Data.ToArray(),
                Is.EqualTo(ModelProbes.Input.Select(x => 2 * x).ToArray()),
                "the next good version (the doubler) is taken");
        });
    }

    private static int Count(FakeLoggerProvider logs, string text) =>
        logs.Collector.GetSnapshot().Count(e => e.Message.Contains(text, StringComparison.Ordinal));

    /// <summary>Where the worker downloads the model object's current generation (docs/security.md).</summary>
    private static string Download(LocalDeployment deployment) =>
        deployment.Emulator.Storage.TryGetObject(LocalDeployment.InputsBucket, ModelObject, out var model)
            ? Path.Combine(Path.GetTempPath(), "pullworker-models", LocalDeployment.InputsBucket, $"{ModelObject}.{model.Generation}")
            : throw new InvalidOperationException($"{ModelObject} is not in the emulator");

    private static async Task<bool> DeletedAsync(string directory, CancellationToken cancellationToken)
    {
        for (var wait = 0; wait < 100 && Directory.Exists(directory); wait++)
        {
            await Task.Delay(50, cancellationToken);
        }

        return !Directory.Exists(directory);
    }

    /// <summary>Same input as the tiny MLP, a different graph: <c>y = 2x</c>, float [N, 16].</summary>
    private static byte[] Doubler()
    {
        var builder = new OnnxModelBuilder("doubler").Input("x", TensorDataType.Float32, "N", 16);
        return builder
            .Node("Mul", ["x", builder.Constant([2f], 1)], ["y"])
            .Output("y", TensorDataType.Float32, "N", 16)
            .Build();
    }
}
