using PullWorker.Inference.Batching;
using PullWorker.Inference.Configuration;
using PullWorker.Inference.Execution;
using PullWorker.Inference.Tensors;
using PullWorker.Inference.Tests.Support;

namespace PullWorker.Inference.Tests.Execution;

public sealed class PipelineTests
{
    [Test]
    public async Task ThreeStageChain_OneItem_MatchesHandComputedValues()
    {
        await using var engine = await Pipelines.StartAsync(ChainPipeline.Options());
        var result = await engine.InferAsync(InferenceItem.Single("x", TensorData.Float32([1, 2, 3, 4], 4)), CancellationToken.None).DefaultTimeout();

        // b = (3, 5, 7, 9); c0 = 3 + 7 - 9 = 1; c1 = 5 + 7 + 4.5 = 16.5.
        Assert.Multiple(() =>
        {
            Assert.That(result.IsSuccess, Is.True, result.Error?.Message);
            Assert.That(result.Outputs!["c"].AsSpan<float>().ToArray(), Is.EqualTo(new[] { 1f, 16.5f }));
            Assert.That(result.Outputs!["c"].Shape, Is.EqualTo(new long[] { 2 }));
        });
    }

    [Test]
    public async Task ThreeStageChain_StagesFeedEachOtherOnDevice_NoCopiesMeasured()
    {
        // On the CPU host and device are one memory: the staging rows are bound as stage 0's input, each stage reads
        // the tensor the previous one wrote, and results are read where the last stage wrote them. No copy at all.
        using var recorder = new MetricsRecorder();
        await using var engine = await Pipelines.StartAsync(ChainPipeline.Options(), metrics: recorder.Metrics);
        var x = new[] { 1f, 2f, 3f, 4f };
        var result = await engine.InferAsync(InferenceItem.Single("x", TensorData.Float32(x, 4)), CancellationToken.None).DefaultTimeout();

        Assert.Multiple(() =>
        {
            Assert.That(result.Outputs!["c"].AsSpan<float>().ToArray(), Is.EqualTo(ChainPipeline.Expected(x)).Within(1e-5f));
            Assert.That(engine.LastBatchTransfers, Is.EqualTo(new TransferCounts(Uploads: 0, Downloads: 0, InterStageHostCopies: 0, InStageCopies: 0)));
            Assert.That(recorder.Values("inference.transfers", "inter_stage").Sum(), Is.Zero);
            Assert.That(recorder.Values("inference.exec.count").Sum(), Is.GreaterThan(0));
            Assert.That(recorder.Values("inference.compute_infer.duration", "chain1"), Is.Not.Empty);
        });
    }

    [Test]
    public async Task ThreeStageChain_HostRoundTripBetweenStages_MeasuredAsInterStageCopies()
    {
        // The fault the measurement is for: each stage's output copied through host memory before the next stage
        // reads it. Same results, but both stage boundaries show, per batch and in the metric.
        using var recorder = new MetricsRecorder();
        await using var engine = await Pipelines.StartAsync(ChainPipeline.Options(), metrics: recorder.Metrics, hostRoundTrips: true);
        var x = new[] { -1f, 0.5f, 2f, 8f };
        var result = await engine.InferAsync(InferenceItem.Single("x", TensorData.Float32(x, 4)), CancellationToken.None).DefaultTimeout();

        Assert.Multiple(() =>
        {
            Assert.That(result.Outputs!["c"].AsSpan<float>().ToArray(), Is.EqualTo(ChainPipeline.Expected(x)).Within(1e-5f));
            Assert.That(engine.LastBatchTransfers.InterStageHostCopies, Is.EqualTo(2));
            var executions = recorder.Values("inference.exec.count").Sum();
            Assert.That(recorder.Values("inference.transfers", "inter_stage").Sum(), Is.EqualTo(2 * executions));
        });
    }

    [Test]
    public async Task OutputsSubset_IntermediateTensor_IsReturnedAlongsideFinal()
    {
        var options = ChainPipeline.Options();
        options.Outputs = ["a", "c"];
        await using var engine = await Pipelines.StartAsync(options);
        var result = await engine.InferAsync(InferenceItem.Single("x", TensorData.Float32([1, 2, 3, 4], 4)), CancellationToken.None).DefaultTimeout();
        Assert.That(result.Outputs!["a"].AsSpan<float>().ToArray(), Is.EqualTo(new[] { 2f, 4f, 6f, 8f }));
    }

    [Test]
    public async Task RenameMaps_StageInputFedByRenamedOutput_Wires()
    {
        var options = ChainPipeline.Options();
        options.Stages[0].Outputs["a"] = "doubled";
        options.Stages[1].Inputs["a"] = "doubled";
        await using var engine = await Pipelines.StartAsync(options);
        var result = await engine.InferAsync(InferenceItem.Single("x", TensorData.Float32([1, 2, 3, 4], 4)), CancellationToken.None).DefaultTimeout();
        Assert.That(result.Outputs!["c"].AsSpan<float>().ToArray(), Is.EqualTo(new[] { 1f, 16.5f }));
    }

    [Test]
    public async Task DemoWithImageStage_RedAndCheckerboard_MeanColourAndSharpnessReadable()
    {
        var options = Pipelines.Of(ModelFiles.Demo);
        options.Image = new ImagePreprocessingOptions { Width = 8, Height = 8 };
        await using var engine = await Pipelines.StartAsync(options);

        var red = Enumerable.Range(0, 64).SelectMany(_ => new byte[] { 255, 0, 0 }).ToArray();
        var checker = Enumerable.Range(0, 64).SelectMany(i => ((i / 8) + (i % 8)) % 2 == 0 ? new byte[] { 255, 255, 255 } : new byte[] { 0, 0, 0 }).ToArray();
        var redResult = engine.InferAsync(InferenceItem.Single("image", TensorData.ImagePixels(red, 8, 8)), CancellationToken.None).DefaultTimeout();
        var checkerResult = engine.InferAsync(InferenceItem.Single("image", TensorData.ImagePixels(checker, 8, 8)), CancellationToken.None).DefaultTimeout();

        // Flat red: channel means (1, 0, 0), no Laplacian response. Black/white checkerboard: each interior
        // Laplacian is 4 * (opposite) - 4 * (self) = +-4, squared 16; channel means 0.5.
        var redOutputs = (await redResult).Outputs!;
        var checkerOutputs = (await checkerResult).Outputs!;
        Assert.Multiple(() =>
        {
            Assert.That(engine.Inputs.Single().ItemShape, Is.EqualTo(new long[] { 8, 8, 3 }));
            Assert.That(redOutputs["mean_rgb"].AsSpan<float>().ToArray(), Is.EqualTo(new[] { 1f, 0f, 0f }).Within(1e-5f));
            Assert.That(redOutputs["sharpness"].AsSpan<float>().ToArray(), Is.EqualTo(new[] { 0f }).Within(1e-4f));
            Assert.That(checkerOutputs["mean_rgb"].AsSpan<float>().ToArray(), Is.EqualTo(new[] { 0.5f, 0.5f, 0.5f }).Within(1e-5f));
            Assert.That(checkerOutputs["sharpness"].AsSpan<float>().ToArray(), Is.EqualTo(new[] { 16f }).Within(1e-3f));
        });
    }

    [Test]
    public async Task PostprocessingWithLabels_Logits_ReturnsTopScoresIndicesAndLabels()
    {
        var options = Pipelines.Of(ModelFiles.Logits3);
        options.Postprocessing = new ClassificationOptions { TopK = 2, Labels = ModelFiles.WriteText("labels.txt", "cat\ndog\nbird\n") };
        await using var engine = await Pipelines.StartAsync(options);
        var result = await engine.InferAsync(
            InferenceItem.Single("features", TensorData.Float32([0f, MathF.Log(2), MathF.Log(3)], 3)), CancellationToken.None).DefaultTimeout();
        Assert.Multiple(() =>
        {
            Assert.That(result.Outputs!["scores"].AsSpan<float>().ToArray(), Is.EqualTo(new[] { 0.5f, 1f / 3f }).Within(1e-6f));
            Assert.That(result.Outputs!["indices"].AsSpan<long>().ToArray(), Is.EqualTo(new long[] { 2, 1 }));
            Assert.That(result.Outputs!["labels"].AsStrings(), Is.EqualTo(new[] { "bird", "dog" }));
            Assert.That(engine.Models.Select(m => m.Name), Is.EqualTo(new[] { "logits3", "classification_postprocessing" }));
            Assert.That(engine.LastBatchTransfers.Total, Is.Zero, "the built-in stage reads the model's logits where they were written");
        });
    }

    [Test]
    public void Postprocessing_TopKAboveTheModelsClasses_FailsNamingTheKey()
    {
        var options = Pipelines.Of(ModelFiles.Logits3);
        options.Postprocessing = new ClassificationOptions { TopK = 5 };

        var error = Assert.Throws<PipelineSetupException>(() => InferenceEngine.Create(options, new BatchingOptions()));

        Assert.That(error!.Message, Does.StartWith("Pipeline:Postprocessing:TopK is 5, but 'logits3' has only 3 classes"));
    }

    [Test]
    public async Task WarmUp_Completed_EngineReadyWithEveryBucket()
    {
        var engine = InferenceEngine.Create(ChainPipeline.Options(), new BatchingOptions { MaxBatchSize = 6 });
        await using (engine)
        {
            Assert.That(engine.IsReady, Is.False);
            await engine.WarmUpAsync(CancellationToken.None).DefaultTimeout();
            Assert.Multiple(() =>
            {
                Assert.That(engine.IsReady, Is.True);
                Assert.That(engine.BatchSizes, Is.EqualTo(new[] { 1, 2, 4, 6 }));
            });
        }
    }
}
