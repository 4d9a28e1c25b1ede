using PullWorker.Inference.Batching;
using PullWorker.Inference.Configuration;
using PullWorker.Inference.Onnx;
using PullWorker.Inference.Tensors;
using PullWorker.Inference.Tests.Support;

namespace PullWorker.Inference.Tests.Execution;

public sealed class InputValidationTests
{
    [Test]
    public async Task SymbolicDim_ItemMatchingConfiguredValue_Runs()
    {
        var options = Pipelines.Of(ModelFiles.SymbolicLength);
        options.SymbolicDims["L"] = 3;
        await using var engine = await Pipelines.StartAsync(options);
        var result = await engine.InferAsync(InferenceItem.Single("tokens", TensorData.Int64([4, 5, 6], 3)), CancellationToken.None).DefaultTimeout();
        Assert.Multiple(() =>
        {
            Assert.That(engine.Inputs[0].DeclaredDims, Is.EqualTo(new[] { Dim.Symbolic("L") }));
            Assert.That(result.Outputs!["total"].AsSpan<long>().ToArray(), Is.EqualTo(new long[] { 15 }));
        });
    }

    [Test]
    public async Task SymbolicDim_ItemWithOtherValue_InvalidTensorNamingTheSymbol()
    {
        var options = Pipelines.Of(ModelFiles.SymbolicLength);
        options.SymbolicDims["L"] = 3;
        await using var engine = await Pipelines.StartAsync(options);
        var result = await engine.InferAsync(InferenceItem.Single("tokens", TensorData.Int64([1, 2, 3, 4, 5], 5)), CancellationToken.None).DefaultTimeout();
        Assert.Multiple(() =>
        {
            Assert.That(result.Error?.Code, Is.EqualTo("invalid_tensor"));
            Assert.That(result.Error?.Message, Is.EqualTo("input 'tokens': dim 0 ('L') must be 3 in this deployment (Pipeline:SymbolicDims:L), got 5"));
        });
    }

    [Test]
    public void SymbolicDim_NotConfigured_CreateFailsNamingTheKey()
    {
        Assert.That(
            () => InferenceEngine.Create(Pipelines.Of(ModelFiles.SymbolicLength), new BatchingOptions()),
            Throws.TypeOf<PipelineSetupException>().With.Message.StartsWith("Pipeline:SymbolicDims:L must be set"));
    }

    [Test]
    public async Task Validate_WrongCountDtypeNameOrMissing_GivesContractCodes()
    {
        await using var engine = await Pipelines.StartAsync(Pipelines.Of(ModelFiles.TinyMlp));
        var wrongCount = engine.Validate(InferenceItem.Single("x", TensorData.Float32(new float[15], 15)));
        var wrongType = engine.Validate(InferenceItem.Single("x", TensorData.Int64(new long[16], 16)));
        var unknown = engine.Validate(new InferenceItem(new Dictionary<string, TensorData>
        {
            ["x"] = TensorData.Float32(new float[16], 16),
            ["extra"] = TensorData.Float32([1], 1),
        }));
        var missing = engine.Validate(new InferenceItem(new Dictionary<string, TensorData>()));
        Assert.Multiple(() =>
        {
            Assert.That(wrongCount, Is.EqualTo(new InferenceError("invalid_tensor", "input 'x': expected shape [16] (16 values), got shape [15] (15 values)")));
            Assert.That(wrongType, Is.EqualTo(new InferenceError("invalid_tensor", "input 'x': expected dtype float32, got int64")));
            Assert.That(unknown?.Code, Is.EqualTo("unknown_input"));
            Assert.That(missing, Is.EqualTo(new InferenceError("missing_input", "input 'x' is missing")));
        });
    }

    [Test]
    public void TensorData_BytesNotMatchingShape_Throws()
    {
        Assert.That(
            () => TensorData.FromBytes(TensorDataType.Float32, new byte[15], 4),
            Throws.ArgumentException.With.Message.Contains("needs 16 bytes, got 15"));
    }

    [Test]
    public async Task TensorData_RawLittleEndianBytes_SameResultAsTypedArray()
    {
        await using var engine = await Pipelines.StartAsync(Pipelines.Of(ModelFiles.Chain(0), ModelFiles.Chain(1), ModelFiles.Chain(2)));
        var x = new[] { 1f, 2f, 3f, 4f };
        var raw = x.SelectMany(BitConverter.GetBytes).ToArray();
        var result = await engine.InferAsync(InferenceItem.Single("x", TensorData.FromBytes(TensorDataType.Float32, raw, 4)), CancellationToken.None).DefaultTimeout();
        Assert.That(result.Outputs!["c"].AsSpan<float>().ToArray(), Is.EqualTo(new[] { 1f, 16.5f }));
    }
}
