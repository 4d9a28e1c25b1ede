using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PullWorker.Inference.Configuration;

namespace PullWorker.Inference.Tests.Configuration;

public sealed class OptionsValidationTests
{
    [Test]
    public void Pipeline_StageWithoutModelAndBadValues_FailuresNameFullKeys()
    {
        var options = new PipelineOptions
        {
            Stages = [new StageOptions { Model = "a.onnx" }, new StageOptions()],
            BatchSizes = [1, 0],
            Image = new ImagePreprocessingOptions { Std = [1, 0, 1] },
            Cuda = new CudaOptions { ConvAlgoSearch = "FAST" },
        };
        var result = new PipelineOptionsValidator().Validate(null, options);
        Assert.That(result.Failures, Is.EquivalentTo(new[]
        {
            "Pipeline:Stages:1:Model is required: the path of an ONNX file",
            "Pipeline:BatchSizes:1 must be >= 1, got 0",
            "Pipeline:Image:Std needs 3 non-zero values (R, G, B), got [1, 0, 1]",
            "Pipeline:Cuda:ConvAlgoSearch must be one of EXHAUSTIVE, HEURISTIC, DEFAULT, got 'FAST'",
        }));
    }

    [Test]
    public void Pipeline_NoStages_FailsNamingTheKeyToSet()
    {
        var result = new PipelineOptionsValidator().Validate(null, new PipelineOptions());
        Assert.That(result.FailureMessage, Does.Contain("Pipeline:Stages:0:Model"));
    }

    [Test]
    public void Batching_ZeroBatchAndNegativeDelay_FailuresNameFullKeys()
    {
        var result = new BatchingOptionsValidator().Validate(null, new BatchingOptions { MaxBatchSize = 0, MaxDelay = TimeSpan.FromMilliseconds(-1) });
        Assert.That(result.Failures, Is.EquivalentTo(new[]
        {
            "Batching:MaxBatchSize must be >= 1, got 0",
            "Batching:MaxDelay must be between 00:00:00 and 00:00:10, got -00:00:00.0010000",
        }));
    }

    [Test]
    public void AddInferenceOptions_FromConfiguration_BindsEveryKey()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pipeline:Stages:0:Model"] = "/models/a.onnx",
            ["Pipeline:Stages:0:Outputs:logits"] = "scores_raw",
            ["Pipeline:Device"] = "cuda",
            ["Pipeline:BatchSizes:0"] = "4",
            ["Pipeline:BatchSizes:1"] = "16",
            ["Pipeline:Image:Width"] = "64",
            ["Pipeline:SymbolicDims:L"] = "128",
            ["Batching:MaxBatchSize"] = "16",
            ["Batching:MaxDelay"] = "00:00:00.005",
        }).Build();
        using var services = new ServiceCollection().AddInferenceOptions(configuration).BuildServiceProvider();
        var pipeline = services.GetRequiredService<IOptions<PipelineOptions>>().Value;
        var batching = services.GetRequiredService<IOptions<BatchingOptions>>().Value;
        Assert.Multiple(() =>
        {
            Assert.That(pipeline.Stages.Single().Outputs["logits"], Is.EqualTo("scores_raw"));
            Assert.That(pipeline.Device, Is.EqualTo(DeviceKind.Cuda));
            Assert.That(pipeline.EffectiveBatchSizes(batching.MaxBatchSize), Is.EqualTo(new[] { 4, 16 }));
            Assert.That(pipeline.Image!.Width, Is.EqualTo(64));
            Assert.That(pipeline.Image.Height, Is.EqualTo(224));
            Assert.That(pipeline.SymbolicDims["L"], Is.EqualTo(128));
            Assert.That(batching.MaxDelay, Is.EqualTo(TimeSpan.FromMilliseconds(5)));
        });
    }

    [Test]
    public void EffectiveBatchSizes_NotConfigured_PowersOfTwoUpToMaxBatchSize()
    {
        Assert.That(new PipelineOptions().EffectiveBatchSizes(24), Is.EqualTo(new[] { 1, 2, 4, 8, 16, 24 }));
    }
}
