using PullWorker.Inference.Onnx;
using PullWorker.Inference.Tensors;

namespace PullWorker.Worker.Tests.Hostile;

/// <summary>The two pipelines the corpus runs against, small enough that inference costs nothing.</summary>
internal static class HostileModels
{
    // TensorProto.DataType.FLOAT in onnx.proto.
    private const long OnnxFloat = 1;

    /// <summary>
    /// <c>x</c> int64 [N, 4], <c>f</c> float32 [N, 3] and <c>image</c> uint8 [N, 8, 8, 3] ->
    /// <c>sx</c> int64 [N, 1] (the sum of x, which the test checks), <c>sf</c> float32 [N, 1], <c>mi</c> float32 [N, 3].
    /// </summary>
    public static byte[] Mixed()
    {
        var builder = new OnnxModelBuilder("hostile_mixed")
            .Input("x", TensorDataType.Int64, "N", 4)
            .Input("f", TensorDataType.Float32, "N", 3)
            .Input("image", TensorDataType.UInt8, "N", HostileImages.Side, HostileImages.Side, 3);
        var axis1 = builder.Constant([1L], 1);
        builder.Node("ReduceSum", ["x", axis1], ["sx"], OnnxAttribute.Int("keepdims", 1));
        builder.Node("ReduceSum", ["f", axis1], ["sf"], OnnxAttribute.Int("keepdims", 1));
        return MeanColour(builder)
            .Output("sx", TensorDataType.Int64, "N", 1)
            .Output("sf", TensorDataType.Float32, "N", 1)
            .Build();
    }

    /// <summary><c>image</c> uint8 [N, 8, 8, 3] -> <c>mi</c> float32 [N, 3]: what raw image messages feed.</summary>
    public static byte[] ImageOnly() =>
        MeanColour(new OnnxModelBuilder("hostile_image")
            .Input("image", TensorDataType.UInt8, "N", HostileImages.Side, HostileImages.Side, 3))
            .Build();

    private static OnnxModelBuilder MeanColour(OnnxModelBuilder builder)
    {
        var pixels = builder.Apply("Cast", ["image"], OnnxAttribute.Int("to", OnnxFloat));
        return builder
            .Node("ReduceMean", [pixels], ["mi"], OnnxAttribute.Ints("axes", 1, 2), OnnxAttribute.Int("keepdims", 0))
            .Output("mi", TensorDataType.Float32, "N", 3);
    }
}
