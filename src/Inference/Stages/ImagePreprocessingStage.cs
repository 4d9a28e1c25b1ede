using PullWorker.Inference.Onnx;
using PullWorker.Inference.Tensors;

namespace PullWorker.Inference.Stages;

/// <summary>
/// The built-in first stage for image pipelines, run on the device: <c>uint8</c> NHWC pixels become float NCHW,
/// <c>y[c] = (x[c] * scale - mean[c]) / std[c]</c>. Decoding and resizing stay on the CPU; everything after the
/// upload of the raw bytes (4x smaller than floats) happens here.
/// </summary>
public static class ImagePreprocessingStage
{
    /// <summary>Builds the stage's model.</summary>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    /// <param name="scale">Multiplier applied to each raw byte first (1/255 maps to [0, 1]).</param>
    /// <param name="mean">Per-channel mean (R, G, B) subtracted after scaling.</param>
    /// <param name="std">Per-channel standard deviation (R, G, B) divided by last; must be non-zero.</param>
    /// <param name="inputName">The pipeline input receiving pixels, shape [N, height, width, 3].</param>
    /// <param name="outputName">The float output, shape [N, 3, height, width]; the next stage's input.</param>
    public static byte[] Build(
        int width, int height, float scale, IReadOnlyList<float> mean, IReadOnlyList<float> std,
        string inputName, string outputName)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (mean.Count != 3 || std.Count != 3)
        {
            throw new ArgumentException("mean and std need one value per channel (3)");
        }

        // (x * scale - mean) / std == x * (scale / std) + (-mean / std): one Mul and one Add per element.
        var gain = new float[3];
        var offset = new float[3];
        for (var c = 0; c < 3; c++)
        {
            if (std[c] == 0)
            {
                throw new ArgumentException($"std[{c}] must not be 0", nameof(std));
            }

            gain[c] = scale / std[c];
            offset[c] = -mean[c] / std[c];
        }

        var builder = new OnnxModelBuilder("image_preprocessing")
            .Input(inputName, TensorDataType.UInt8, "N", height, width, 3);
        var asFloat = builder.Apply("Cast", [inputName], OnnxAttribute.Int("to", (long)TensorDataType.Float32.ToOnnx()));
        var nchw = builder.Apply("Transpose", [asFloat], OnnxAttribute.Ints("perm", 0, 3, 1, 2));
        var scaled = builder.Apply("Mul", [nchw, builder.Constant(gain, 1, 3, 1, 1)]);
        return builder
            .Node("Add", [scaled, builder.Constant(offset, 1, 3, 1, 1)], [outputName])
            .Output(outputName, TensorDataType.Float32, "N", 3, height, width)
            .Build();
    }
}
