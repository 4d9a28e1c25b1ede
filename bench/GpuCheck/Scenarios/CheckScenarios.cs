using PullWorker.Inference.Configuration;
using PullWorker.Inference.Onnx;
using PullWorker.Inference.Stages;
using PullWorker.Inference.Tensors;

namespace PullWorker.GpuCheck.Scenarios;

/// <summary>The three pipelines the self-check runs: the worker's demo, a two-model pipeline and an MLP.</summary>
internal static class CheckScenarios
{
    /// <summary>The demo's image size (as the worker's <c>demo</c> command configures it).</summary>
    public const int DemoImageSize = 64;

    public static IReadOnlyList<CheckScenario> All(bool quick) => [Demo(), CnnWithHead(), Mlp(quick ? 256 : 2048)];

    /// <summary>
    /// The worker's demo pipeline: built-in image preprocessing (uint8 NHWC to float NCHW in [0, 1]) then the demo
    /// model (per-channel mean and sharpness).
    /// </summary>
    public static CheckScenario Demo()
    {
        const int Size = DemoImageSize;
        var preprocessing = ImagePreprocessingStage.Build(Size, Size, 1f / 255f, [0f, 0f, 0f], [1f, 1f, 1f], "image", "pixels");
        var demo = SampleModels.Demo();
        return new CheckScenario(
            "demo",
            $"image preprocessing (uint8 {Size}x{Size}x3) -> demo model (mean_rgb, sharpness)",
            [new ScenarioModel("demo.onnx", demo)],
            [preprocessing, demo],
            (pipeline, paths) =>
            {
                pipeline.Stages = [new StageOptions { Model = paths[0] }];
                pipeline.Image = new ImagePreprocessingOptions
                {
                    Input = "image", Width = Size, Height = Size, Scale = 1f / 255f, Mean = [0f, 0f, 0f], Std = [1f, 1f, 1f],
                };
            },
            new ScenarioInput("image", TensorDataType.UInt8, [Size, Size, 3]),
            index => TensorData.ImagePixels(Bytes(Size * Size * 3, index), Size, Size));
    }

    /// <summary>Two user models chained on the device: the sample CNN (~0.31 GFLOP per item) and a softmax head.</summary>
    public static CheckScenario CnnWithHead()
    {
        var cnn = SampleModels.ComputeCnn();
        var head = new OnnxModelBuilder("softmax_head")
            .Input("logits", TensorDataType.Float32, "N", 10)
            .Node("Softmax", ["logits"], ["probabilities"], OnnxAttribute.Int("axis", 1))
            .Output("probabilities", TensorDataType.Float32, "N", 10)
            .Build();
        return new CheckScenario(
            "cnn+head",
            "two models: compute CNN (3x64x64 -> 10 logits, ~0.31 GFLOP/item) -> softmax head",
            [new ScenarioModel("cnn.onnx", cnn), new ScenarioModel("head.onnx", head)],
            [cnn, head],
            (pipeline, paths) => pipeline.Stages = [.. paths.Select(path => new StageOptions { Model = path })],
            new ScenarioInput("image", TensorDataType.Float32, [3, 64, 64]),
            index => TensorData.Float32(SampleModels.Weights(3 * 64 * 64, Seed(index), 1f), 3, 64, 64));
    }

    /// <summary>An MLP <c>x</c> [N, width/2] -> width -> ReLU -> width -> ReLU -> <c>y</c> [N, width/2].</summary>
    public static CheckScenario Mlp(int width)
    {
        var io = width / 2;
        var builder = new OnnxModelBuilder("mlp").Input("x", TensorDataType.Float32, "N", io);
        var x = Dense(builder, "x", io, width, seed: 20, relu: true);
        x = Dense(builder, x, width, width, seed: 22, relu: true);
        var y = builder.Apply("MatMul", [x, builder.Constant(SampleModels.Weights(width * io, 24, MathF.Sqrt(3f / width)), width, io)]);
        var mlp = builder.Node("Identity", [y], ["y"]).Output("y", TensorDataType.Float32, "N", io).Build();
        var flops = 2.0 * ((io * width) + (width * width) + (width * io));
        return new CheckScenario(
            "mlp",
            $"MLP {io} -> {width} -> {width} -> {io} ({flops / 1e6:F1} MFLOP/item)",
            [new ScenarioModel("mlp.onnx", mlp)],
            [mlp],
            (pipeline, paths) => pipeline.Stages = [new StageOptions { Model = paths[0] }],
            new ScenarioInput("x", TensorDataType.Float32, [io]),
            index => TensorData.Float32(SampleModels.Weights(io, Seed(index), 1f), io));
    }

    private static string Dense(OnnxModelBuilder builder, string input, int inputs, int outputs, uint seed, bool relu)
    {
        // Uniform in +-sqrt(3/fan_in) keeps the activations' scale through the layers.
        var product = builder.Apply("MatMul", [input, builder.Constant(SampleModels.Weights(inputs * outputs, seed, MathF.Sqrt(3f / inputs)), inputs, outputs)]);
        var biased = builder.Apply("Add", [product, builder.Constant(SampleModels.Weights(outputs, seed + 1, 0.1f), outputs)]);
        return relu ? builder.Apply("Relu", [biased]) : biased;
    }

    private static uint Seed(int index) => 1000u + (uint)index;

    private static byte[] Bytes(int count, int index)
    {
        var values = SampleModels.Weights(count, Seed(index), 1f);
        var bytes = new byte[count];
        for (var i = 0; i < count; i++)
        {
            bytes[i] = (byte)((values[i] + 1f) * 127.5f);
        }

        return bytes;
    }
}
