using PullWorker.Inference.Onnx;
using PullWorker.Inference.Tensors;

namespace PullWorker.Inference.Stages;

/// <summary>
/// Models built with <see cref="OnnxModelBuilder"/> and deterministic weights, shared by the demo, the tests
/// and the benchmarks so that nothing is downloaded. Every model has a symbolic batch dimension <c>N</c>.
/// </summary>
public static class SampleModels
{
    /// <summary>The value that makes <see cref="Poisoned"/> fail when it is an item's first element.</summary>
    public const float PoisonSentinel = 666f;

    /// <summary>
    /// A tiny MLP: <c>x</c> float [N, 16] -> MatMul/Add/Relu (32) -> MatMul/Add -> <c>y</c> float [N, 4].
    /// </summary>
    public static byte[] TinyMlp()
    {
        var builder = new OnnxModelBuilder("tiny_mlp").Input("x", TensorDataType.Float32, "N", 16);
        var hidden = builder.Apply("Relu", [builder.Apply("Add", [
            builder.Apply("MatMul", ["x", builder.Constant(Weights(16 * 32, seed: 1, 0.25f), 16, 32)]),
            builder.Constant(Weights(32, seed: 2, 0.1f), 32)])]);
        var product = builder.Apply("MatMul", [hidden, builder.Constant(Weights(32 * 4, seed: 3, 0.25f), 32, 4)]);
        return builder
            .Node("Add", [product, builder.Constant(Weights(4, seed: 4, 0.1f), 4)], ["y"])
            .Output("y", TensorDataType.Float32, "N", 4)
            .Build();
    }

    /// <summary>
    /// A compute-bound CNN of about 0.31 GFLOP per item: <c>image</c> float [N, 3, 64, 64] -> conv 3->32 -> conv
    /// 32->64 -> max-pool -> conv 64->128 -> global average pool -> dense -> <c>logits</c> float [N, 10].
    /// </summary>
    public static byte[] ComputeCnn()
    {
        var builder = new OnnxModelBuilder("compute_cnn").Input("image", TensorDataType.Float32, "N", 3, 64, 64);
        var x = ConvRelu(builder, "image", 3, 32, seed: 10);    // 64*64*32*27*2   =   7 MFLOP
        x = ConvRelu(builder, x, 32, 64, seed: 11);            // 64*64*64*288*2  = 151 MFLOP
        x = builder.Apply("MaxPool", [x], OnnxAttribute.Ints("kernel_shape", 2, 2), OnnxAttribute.Ints("strides", 2, 2));
        x = ConvRelu(builder, x, 64, 128, seed: 12);           // 32*32*128*576*2 = 151 MFLOP
        x = builder.Apply("GlobalAveragePool", [x]);
        x = builder.Apply("Flatten", [x], OnnxAttribute.Int("axis", 1));
        return builder
            .Node("Gemm", [x, builder.Constant(Weights(128 * 10, seed: 13, 0.1f), 128, 10), builder.Constant(Weights(10, seed: 14, 0.1f), 10)], ["logits"])
            .Output("logits", TensorDataType.Float32, "N", 10)
            .Build();
    }

    /// <summary>Floating-point operations per item of <see cref="ComputeCnn"/> (multiply-adds count as two).</summary>
    public const double ComputeCnnFlopsPerItem =
        (64.0 * 64 * 32 * 27 * 2) + (64.0 * 64 * 64 * 288 * 2) + (32.0 * 32 * 128 * 576 * 2) + (128.0 * 10 * 2);

    /// <summary>
    /// Three stages whose results are easy to compute by hand, chained by name:
    /// stage 0 <c>x</c> [N, 4] -> <c>a = 2x</c>; stage 1 <c>a</c> -> <c>b = a + 1</c>;
    /// stage 2 <c>b</c> -> <c>c = b x M</c> [N, 2] with <see cref="ChainMatrix"/> (row-major 4 x 2).
    /// </summary>
    public static IReadOnlyList<byte[]> ThreeStageChain() =>
    [
        Elementwise("chain_double", "Mul", 2f, "x", "a"),
        Elementwise("chain_increment", "Add", 1f, "a", "b"),
        new OnnxModelBuilder("chain_project")
            .Input("b", TensorDataType.Float32, "N", 4)
            .Initializer("m", ChainMatrix.ToArray(), 4, 2)
            .Node("MatMul", ["b", "m"], ["c"])
            .Output("c", TensorDataType.Float32, "N", 2)
            .Build(),
    ];

    /// <summary>The 4 x 2 matrix (row-major) of the chain's last stage.</summary>
    public static IReadOnlyList<float> ChainMatrix { get; } = [1, 0, 0, 1, 1, 1, -1, 0.5f];

    /// <summary>
    /// <c>x</c> float [N, 4] -> <c>y = 2x</c>, except that a batch containing an item whose first element is
    /// <see cref="PoisonSentinel"/> makes <c>Run</c> throw: that row turns into an out-of-range Gather index.
    /// </summary>
    public static byte[] Poisoned()
    {
        var builder = new OnnxModelBuilder("poisoned").Input("x", TensorDataType.Float32, "N", 4);
        var first = builder.Apply("Gather", ["x", builder.Constant([0L], 1)], OnnxAttribute.Int("axis", 1));
        var isPoison = builder.Apply("Equal", [first, builder.Constant([PoisonSentinel], 1)]);
        var index = builder.Apply("Mul", [
            builder.Apply("Cast", [isPoison], OnnxAttribute.Int("to", (long)TensorDataType.Int64.ToOnnx())),
            builder.Constant([1000L], 1)]);
        var zeroOrFailure = builder.Apply("Gather", [builder.Constant([0f], 1), index], OnnxAttribute.Int("axis", 0));
        var doubled = builder.Apply("Mul", ["x", builder.Constant([2f], 1)]);
        return builder
            .Node("Add", [doubled, zeroOrFailure], ["y"])
            .Output("y", TensorDataType.Float32, "N", 4)
            .Build();
    }

    /// <summary>
    /// The demo model, meant to follow <see cref="ImagePreprocessingStage"/> with scale 1/255, mean 0, std 1:
    /// <c>pixels</c> float [N, 3, H, W] in [0, 1] -> <c>mean_rgb</c> [N, 3] (mean of each channel, so a red
    /// image reads about [1, 0, 0]) and <c>sharpness</c> [N, 1] (mean squared Laplacian of the grey image: 0 for
    /// a flat colour, large for fine detail).
    /// </summary>
    public static byte[] Demo()
    {
        var builder = new OnnxModelBuilder("demo").Input("pixels", TensorDataType.Float32, "N", 3, "H", "W");
        builder.Node("ReduceMean", ["pixels"], ["mean_rgb"], OnnxAttribute.Ints("axes", 2, 3), OnnxAttribute.Int("keepdims", 0));
        var grey = builder.Apply("Conv", ["pixels", builder.Constant([0.299f, 0.587f, 0.114f], 1, 3, 1, 1)]);
        var laplacian = builder.Apply("Conv", [grey, builder.Constant([0f, 1f, 0f, 1f, -4f, 1f, 0f, 1f, 0f], 1, 1, 3, 3)]);
        var squared = builder.Apply("Mul", [laplacian, laplacian]);
        builder.Node("ReduceMean", [squared], ["sharpness_4d"], OnnxAttribute.Ints("axes", 2, 3), OnnxAttribute.Int("keepdims", 0));
        return builder
            .Node("Flatten", ["sharpness_4d"], ["sharpness"], OnnxAttribute.Int("axis", 1))
            .Output("mean_rgb", TensorDataType.Float32, "N", 3)
            .Output("sharpness", TensorDataType.Float32, "N", 1)
            .Build();
    }

    /// <summary>
    /// A model with a symbolic non-batch dimension: <c>tokens</c> int64 [N, L] -> <c>total</c> int64 [N, 1]
    /// (the sum of each row).
    /// </summary>
    public static byte[] SymbolicLength() =>
        new OnnxModelBuilder("symbolic_length")
            .Input("tokens", TensorDataType.Int64, "N", "L")
            .Node("ReduceSum", ["tokens", "axes"], ["total"], OnnxAttribute.Int("keepdims", 1))
            .Initializer("axes", [1L], 1)
            .Output("total", TensorDataType.Int64, "N", 1)
            .Build();

    /// <summary>Deterministic pseudo-random weights in [-scale, scale] (xorshift; the same on every machine).</summary>
    public static float[] Weights(int count, uint seed, float scale)
    {
        var state = (seed * 2654435761u) | 1u;
        var weights = new float[count];
        for (var i = 0; i < weights.Length; i++)
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            weights[i] = ((state / (float)uint.MaxValue * 2f) - 1f) * scale;
        }

        return weights;
    }

    private static string ConvRelu(OnnxModelBuilder builder, string input, int inChannels, int outChannels, uint seed)
    {
        // He-style scaling keeps activations from vanishing or exploding through the stack.
        var scale = MathF.Sqrt(6f / (inChannels * 9));
        var conv = builder.Apply(
            "Conv",
            [input, builder.Constant(Weights(outChannels * inChannels * 9, seed, scale), outChannels, inChannels, 3, 3), builder.Constant(new float[outChannels], outChannels)],
            OnnxAttribute.Ints("kernel_shape", 3, 3),
            OnnxAttribute.Ints("pads", 1, 1, 1, 1));
        return builder.Apply("Relu", [conv]);
    }

    private static byte[] Elementwise(string name, string op, float operand, string input, string output) =>
        new OnnxModelBuilder(name)
            .Input(input, TensorDataType.Float32, "N", 4)
            .Initializer("operand", [operand], 1)
            .Node(op, [input, "operand"], [output])
            .Output(output, TensorDataType.Float32, "N", 4)
            .Build();
}
