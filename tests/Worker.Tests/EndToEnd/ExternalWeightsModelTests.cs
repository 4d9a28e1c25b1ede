using System.Globalization;
using Google.Protobuf;
using Microsoft.Extensions.Configuration;
using PullWorker.Worker.Hosting;

namespace PullWorker.Worker.Tests.EndToEnd;

/// <summary>
/// A model whose weights are a separate object beside it under the same gs:// prefix loads and runs, and new weights
/// alone (the graph object unchanged, as after retraining) are a new model version.
/// </summary>
[TestFixture]
public sealed class ExternalWeightsModelTests
{
    [Test]
    [CancelAfter(90_000)]
    public async Task Worker_GsModelWithExternalWeights_LoadsBothAndUsesTheWeights(CancellationToken cancellationToken)
    {
        await using var deployment = await LocalDeployment.CreateAsync("external", cancellationToken);
        await deployment.UploadAsync(LocalDeployment.InputsBucket, "models/ext/model.onnx", ExternalWeightsModel.Model(), cancellationToken);
        await deployment.UploadAsync(
            LocalDeployment.InputsBucket, $"models/ext/{ExternalWeightsModel.DataFileName}", ExternalWeightsModel.Data(), cancellationToken);
        // A sibling in a deeper folder is no weight file of this model and must not be fetched.
        await deployment.UploadAsync(LocalDeployment.InputsBucket, "models/ext/model.onnx_old/readme", [1], cancellationToken);
        var configuration = deployment.WorkerConfiguration($"gs://{LocalDeployment.InputsBucket}/models/ext/model.onnx");
        await using var app = WorkerHost.Build([], config => config.AddInMemoryCollection(configuration));
        await app.StartAsync(cancellationToken);

        var x = Enumerable.Range(0, ExternalWeightsModel.Width).Select(i => (float)i).ToArray();
        var job = "{\"id\":\"ext/0\",\"inputs\":{\"x\":{\"dtype\":\"float32\",\"shape\":[16],\"data\":["
            + string.Join(',', x.Select(v => v.ToString(CultureInfo.InvariantCulture))) + "]}}}";
        await deployment.PublishAsync(ByteString.CopyFromUtf8(job), null, cancellationToken);
        var results = await deployment.WaitForResultsAsync(1, cancellationToken);
        await app.StopAsync(cancellationToken);

        var result = results["ext/0"];
        Assert.Multiple(() =>
        {
            Assert.That(result.Error, Is.Null);
            Assert.That(
                ((Jobs.Results.OutputTensor<float>)result.Outputs!["y"]).Data.ToArray(),
                Is.EqualTo(x.Zip(ExternalWeightsModel.Weights, (a, w) => a + w).ToArray()));
        });
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task Worker_OnlyTheWeightsReplaced_LaterJobsRunOnTheNewWeightsUnderANewSha256(CancellationToken cancellationToken)
    {
        await using var deployment = await LocalDeployment.CreateAsync("weights-reload", cancellationToken);
        await deployment.UploadAsync(LocalDeployment.InputsBucket, "models/ext/model.onnx", ExternalWeightsModel.Model(), cancellationToken);
        await deployment.UploadAsync(
            LocalDeployment.InputsBucket, $"models/ext/{ExternalWeightsModel.DataFileName}", ExternalWeightsModel.Data(), cancellationToken);
        await using var app = ModelProbes.Worker(deployment, "models/ext/model.onnx", TimeSpan.FromMilliseconds(200));
        await app.StartAsync(cancellationToken);
        await ModelProbes.PublishJobsAsync(deployment, "before", 1, cancellationToken);
        var before = (await deployment.WaitForResultsAsync(1, cancellationToken))["before/0"];

        var newWeights = ExternalWeightsModel.Weights.Select(w => -w).ToArray();
        await deployment.UploadAsync(
            LocalDeployment.InputsBucket, $"models/ext/{ExternalWeightsModel.DataFileName}", ExternalWeightsModel.Data(newWeights), cancellationToken);
        var probes = await ModelProbes.WaitForModelChangeAsync(deployment, before.Model.Sha256, alreadyWritten: 1, cancellationToken);
        var after = (await deployment.WaitForResultsAsync(1 + probes, cancellationToken))[$"probe{probes - 1}/0"];
        await app.StopAsync(cancellationToken);

        var x = ModelProbes.Input;
        Assert.Multiple(() =>
        {
            Assert.That(Output(before), Is.EqualTo(x.Zip(ExternalWeightsModel.Weights, (a, w) => a + w).ToArray()));
            Assert.That(Output(after), Is.EqualTo(x.Zip(newWeights, (a, w) => a + w).ToArray()));
            Assert.That(after.Model.Sha256, Is.Not.EqualTo(before.Model.Sha256));
        });
    }

    private static float[] Output(Jobs.Results.JobResult result) => ((Jobs.Results.OutputTensor<float>)result.Outputs!["y"]).Data.ToArray();
}
