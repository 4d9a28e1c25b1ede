using PullWorker.Inference.Onnx;
using PullWorker.Inference.Tensors;

namespace PullWorker.Inference.Stages;

/// <summary>
/// The built-in last stage for classifiers, run on the device: optional softmax over the class axis, then
/// optionally the top-k classes. Only k scores and k indices per item travel back to the host; labels are looked
/// up there (strings cannot live on the device).
/// </summary>
public static class ClassificationPostprocessingStage
{
    /// <summary>Output with all class probabilities (or logits without softmax) when top-k is off: [N, classes].</summary>
    public const string ProbabilitiesOutput = "probabilities";

    /// <summary>Output with the k best scores, best first: float [N, k].</summary>
    public const string ScoresOutput = "scores";

    /// <summary>Output with the k best class indices, best first: int64 [N, k].</summary>
    public const string IndicesOutput = "indices";

    /// <summary>Host-side output with the labels of the k best classes: string [k] per item.</summary>
    public const string LabelsOutput = "labels";

    /// <summary>Builds the stage's model.</summary>
    /// <param name="inputName">The classifier output this stage consumes, float [N, classes].</param>
    /// <param name="classes">Number of classes.</param>
    /// <param name="softmax">Apply softmax over the class axis first.</param>
    /// <param name="topK">Number of best classes to keep; 0 keeps all as <see cref="ProbabilitiesOutput"/>.</param>
    public static byte[] Build(string inputName, long classes, bool softmax, int topK)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        ArgumentOutOfRangeException.ThrowIfNegative(topK);
        if (topK > classes)
        {
            throw new ArgumentOutOfRangeException(nameof(topK), topK, $"top-k cannot exceed the {classes} classes");
        }

        var builder = new OnnxModelBuilder("classification_postprocessing")
            .Input(inputName, TensorDataType.Float32, "N", classes);
        var scores = softmax ? builder.Apply("Softmax", [inputName], OnnxAttribute.Int("axis", -1)) : inputName;
        if (topK == 0)
        {
            return builder
                .Node("Identity", [scores], [ProbabilitiesOutput])
                .Output(ProbabilitiesOutput, TensorDataType.Float32, "N", classes)
                .Build();
        }

        return builder
            .Node(
                "TopK",
                [scores, builder.Constant([(long)topK], 1)],
                [ScoresOutput, IndicesOutput],
                OnnxAttribute.Int("axis", -1),
                OnnxAttribute.Int("largest", 1),
                OnnxAttribute.Int("sorted", 1))
            .Output(ScoresOutput, TensorDataType.Float32, "N", topK)
            .Output(IndicesOutput, TensorDataType.Int64, "N", topK)
            .Build();
    }
}
