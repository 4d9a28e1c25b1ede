using PullWorker.Inference.Onnx;
using PullWorker.Inference.Stages;
using PullWorker.Inference.Tensors;

namespace PullWorker.Bench.Pathology;

/// <summary>
/// The shape of pipeline the Recruit Data Blog measured (docs/architecture.md): model A (a feature extractor) whose output is reshaped for model B (a head), as
/// when two repositories' models are chained. About 0.19 GFLOP per job:
/// A: <c>image</c> [N, 3, 32, 32] -> conv 3->32 -> conv 32->64 -> <c>features</c> [N, 64, 32, 32];
/// reshape to [N, 256, 16, 16]; B: conv 256->128 -> global average pool -> dense -> <c>scores</c> [N, 10].
/// </summary>
internal static class TwoModelPipeline
{
    public const string Input = "image";
    public const string Features = "features";
    public const string Grid = "grid";
    public const string Output = "scores";

    public static readonly long[] ItemShape = [3, 32, 32];
    public static readonly long[] GridShape = [256, 16, 16];

    public static byte[] ModelA()
    {
        var builder = new OnnxModelBuilder("model_a").Input(Input, TensorDataType.Float32, "N", 3, 32, 32);
        var x = ConvRelu(builder, Input, 3, 32, seed: 20);
        builder.Node("Identity", [ConvRelu(builder, x, 32, 64, seed: 21)], [Features]);
        return builder.Output(Features, TensorDataType.Float32, "N", 64, 32, 32).Build();
    }

    /// <summary>Model B as published: it expects the reshaped grid, so the caller reshapes A's features.</summary>
    public static byte[] ModelB()
    {
        var builder = new OnnxModelBuilder("model_b").Input(Grid, TensorDataType.Float32, "N", 256, 16, 16);
        return Head(builder, Grid);
    }

    /// <summary>Model B with the reshape in its graph, so A's features stay where they are (on the device).</summary>
    public static byte[] ModelBWithReshape()
    {
        var builder = new OnnxModelBuilder("model_b_reshaped").Input(Features, TensorDataType.Float32, "N", 64, 32, 32);
        var grid = builder.Apply("Reshape", [Features, builder.Constant([0L, 256, 16, 16], 4)]);
        return Head(builder, grid);
    }

    public static float[] ItemValues(int seed) => SampleModels.Weights(3 * 32 * 32, (uint)seed + 1000, 1f);

    private static byte[] Head(OnnxModelBuilder builder, string grid)
    {
        var x = ConvRelu(builder, grid, 256, 128, seed: 22);
        x = builder.Apply("GlobalAveragePool", [x]);
        x = builder.Apply("Flatten", [x], OnnxAttribute.Int("axis", 1));
        return builder
            .Node("Gemm", [x, builder.Constant(SampleModels.Weights(128 * 10, 23, 0.1f), 128, 10), builder.Constant(new float[10], 10)], [Output])
            .Output(Output, TensorDataType.Float32, "N", 10)
            .Build();
    }

    private static string ConvRelu(OnnxModelBuilder builder, string input, int inChannels, int outChannels, uint seed)
    {
        var weights = SampleModels.Weights(outChannels * inChannels * 9, seed, MathF.Sqrt(6f / (inChannels * 9)));
        var conv = builder.Apply(
            "Conv",
            [input, builder.Constant(weights, outChannels, inChannels, 3, 3), builder.Constant(new float[outChannels], outChannels)],
            OnnxAttribute.Ints("kernel_shape", 3, 3),
            OnnxAttribute.Ints("pads", 1, 1, 1, 1));
        return builder.Apply("Relu", [conv]);
    }
}
