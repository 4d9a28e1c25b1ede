using System.Runtime.InteropServices;
using PullWorker.Inference.Tensors;
using PullWorker.Jobs;
using static PullWorker.Worker.Tests.Decoding.DecoderEnvironment;

namespace PullWorker.Worker.Tests.Decoding;

public sealed class TensorDecodingTests
{
    private static readonly string SixteenFloats = string.Join(',', Enumerable.Range(0, 16).Select(i => i * 0.5));

    [Test]
    [CancelAfter(30_000)]
    public async Task DecodeAsync_MatchingTensor_ReturnsAnItemTheEngineAccepts(CancellationToken cancellationToken)
    {
        var job = Json("{\"inputs\":{\"x\":{\"dtype\":\"float32\",\"shape\":[16],\"data\":[" + SixteenFloats + "]}}}");

        var result = await DecoderFor(TinyMlp).DecodeAsync(job, cancellationToken);

        var x = result.Item!.Inputs["x"];
        Assert.Multiple(() =>
        {
            Assert.That(x.DataType, Is.EqualTo(TensorDataType.Float32));
            Assert.That(x.Shape, Is.EqualTo(new long[] { 16 }));
            Assert.That(x.AsSpan<float>().ToArray(), Is.EqualTo(Enumerable.Range(0, 16).Select(i => i * 0.5f)));
            Assert.That(TinyMlp.Validate(result.Item), Is.Null);
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task DecodeAsync_B64Tensor_KeepsTheBytes(CancellationToken cancellationToken)
    {
        var values = Enumerable.Range(0, 16).Select(i => (float)i).ToArray();
        var b64 = Convert.ToBase64String(MemoryMarshal.AsBytes(values.AsSpan()));
        var job = Json("{\"inputs\":{\"x\":{\"dtype\":\"float32\",\"shape\":[16],\"b64\":\"" + b64 + "\"}}}");

        var result = await DecoderFor(TinyMlp).DecodeAsync(job, cancellationToken);

        Assert.That(result.Item!.Inputs["x"].AsSpan<float>().ToArray(), Is.EqualTo(values));
    }

    [TestCase(
        """{"x":{"dtype":"int64","shape":[16],"b64":"__128__"}}""",
        JobErrorCode.InvalidTensor,
        "input 'x': expected dtype float32, got int64",
        TestName = "DecodeAsync_WrongDtype_ReturnsInvalidTensor")]
    [TestCase(
        """{"x":{"dtype":"float32","shape":[4,4],"b64":"__64__"}}""",
        JobErrorCode.InvalidTensor,
        "input 'x': expected shape [16] (16 values), got shape [4,4] (16 values)",
        TestName = "DecodeAsync_WrongRank_ReturnsInvalidTensor")]
    [TestCase(
        """{"x":{"dtype":"float32","shape":[15],"b64":"__60__"}}""",
        JobErrorCode.InvalidTensor,
        "input 'x': expected shape [16] (16 values), got shape [15] (15 values)",
        TestName = "DecodeAsync_WrongSize_ReturnsInvalidTensor")]
    [TestCase(
        """{"x":{"dtype":"float32","shape":[16],"b64":"__64__"},"y":{"dtype":"float32","shape":[1],"data":[1]}}""",
        JobErrorCode.UnknownInput,
        "input 'y' is not an input of this pipeline (inputs: x)",
        TestName = "DecodeAsync_UnknownInput_ReturnsUnknownInput")]
    [TestCase("{}", JobErrorCode.MissingInput, "input 'x' is missing", TestName = "DecodeAsync_NoInputs_ReturnsMissingInput")]
    [TestCase(
        """{"x":{"image":{"b64":"AAAA"}}}""",
        JobErrorCode.InvalidTensor,
        "input 'x': an image was given, but this input takes float32 [16]; images feed only uint8 [height,width,3] inputs",
        TestName = "DecodeAsync_ImageForATensorInput_ReturnsInvalidTensor")]
    public async Task DecodeAsync_TensorJobNotFittingThePipeline_ReturnsTheError(string inputs, JobErrorCode code, string message)
    {
        inputs = inputs
            .Replace("__128__", Convert.ToBase64String(new byte[128]), StringComparison.Ordinal)
            .Replace("__64__", Convert.ToBase64String(new byte[64]), StringComparison.Ordinal)
            .Replace("__60__", Convert.ToBase64String(new byte[60]), StringComparison.Ordinal);

        var result = await DecoderFor(TinyMlp).DecodeAsync(Json($$"""{"inputs":{{inputs}}}"""), CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(result.Error, Is.EqualTo(new JobError(code, message)));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task DecodeAsync_SymbolicDimOfTheDeployment_IsAccepted(CancellationToken cancellationToken)
    {
        var job = Json("""{"inputs":{"tokens":{"dtype":"int64","shape":[5],"data":[1,2,3,4,5]}}}""");

        var result = await DecoderFor(SymbolicLength).DecodeAsync(job, cancellationToken);

        Assert.That(result.Item!.Inputs["tokens"].AsSpan<long>().ToArray(), Is.EqualTo(new long[] { 1, 2, 3, 4, 5 }));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task DecodeAsync_OtherValueForASymbolicDim_NamesTheSymbol(CancellationToken cancellationToken)
    {
        var job = Json("""{"inputs":{"tokens":{"dtype":"int64","shape":[6],"data":[1,2,3,4,5,6]}}}""");

        var result = await DecoderFor(SymbolicLength).DecodeAsync(job, cancellationToken);

        Assert.That(
            result.Error,
            Is.EqualTo(new JobError(JobErrorCode.InvalidTensor, "input 'tokens': dim 0 ('L') must be 5 in this deployment (Pipeline:SymbolicDims:L), got 6")));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task DecodeAsync_RawImageForATensorPipeline_ReturnsUnknownInput(CancellationToken cancellationToken)
    {
        var result = await DecoderFor(TinyMlp).DecodeAsync(Raw(TestImages.Solid(SkiaSharp.SKColors.Red, 4, 4)), cancellationToken);

        Assert.That(
            result.Error,
            Is.EqualTo(new JobError(JobErrorCode.UnknownInput, "this pipeline has no image input (inputs: x); send a JSON job")));
    }
}
