using Microsoft.ML.OnnxRuntime;
using PullWorker.Inference.Stages;

namespace PullWorker.Inference.Tests.Stages;

public sealed class BuiltInStageTests
{
    [Test]
    public void ImagePreprocessing_TwoPixels_ScalesNormalizesAndTransposesToNchw()
    {
        // A 2x1 image (width 2, height 1): pixel 0 = (255, 0, 51), pixel 1 = (0, 255, 102).
        var model = ImagePreprocessingStage.Build(
            width: 2, height: 1, scale: 1f / 255f, mean: [0.5f, 0.5f, 0.5f], std: [0.25f, 0.5f, 1f], "image", "pixels");
        using var session = new InferenceSession(model);
        using var input = OrtValue.CreateTensorValueFromMemory(new byte[] { 255, 0, 51, 0, 255, 102 }, [1, 1, 2, 3]);
        using var outputs = session.Run(new RunOptions(), ["image"], [input], ["pixels"]);

        // (x/255 - 0.5) / std, laid out [N, C, H, W]: R = (0.5/0.25, -0.5/0.25), G = (-0.5/0.5, 0.5/0.5), B = (0.2-0.5, 0.4-0.5).
        Assert.Multiple(() =>
        {
            Assert.That(outputs[0].GetTensorTypeAndShape().Shape, Is.EqualTo(new long[] { 1, 3, 1, 2 }));
            Assert.That(outputs[0].GetTensorDataAsSpan<float>().ToArray(), Is.EqualTo(new[] { 2f, -2f, -1f, 1f, -0.3f, -0.1f }).Within(1e-5f));
        });
    }

    [Test]
    public void Postprocessing_SoftmaxAndTopTwo_ReturnsBestProbabilitiesAndIndices()
    {
        var model = ClassificationPostprocessingStage.Build("logits", classes: 3, softmax: true, topK: 2);
        using var session = new InferenceSession(model);

        // exp(0) : exp(ln 2) : exp(ln 3) = 1 : 2 : 3, so softmax = (1/6, 1/3, 1/2).
        using var input = OrtValue.CreateTensorValueFromMemory(new[] { 0f, MathF.Log(2), MathF.Log(3) }, [1, 3]);
        using var outputs = session.Run(new RunOptions(), ["logits"], [input], ["scores", "indices"]);
        Assert.Multiple(() =>
        {
            Assert.That(outputs[0].GetTensorDataAsSpan<float>().ToArray(), Is.EqualTo(new[] { 0.5f, 1f / 3f }).Within(1e-6f));
            Assert.That(outputs[1].GetTensorDataAsSpan<long>().ToArray(), Is.EqualTo(new long[] { 2, 1 }));
        });
    }

    [Test]
    public void Postprocessing_TopKZeroWithoutSoftmax_ReturnsLogitsUnchanged()
    {
        var model = ClassificationPostprocessingStage.Build("logits", classes: 3, softmax: false, topK: 0);
        using var session = new InferenceSession(model);
        using var input = OrtValue.CreateTensorValueFromMemory(new[] { -1f, 0.25f, 7f }, [1, 3]);
        using var outputs = session.Run(new RunOptions(), ["logits"], [input], ["probabilities"]);
        Assert.That(outputs[0].GetTensorDataAsSpan<float>().ToArray(), Is.EqualTo(new[] { -1f, 0.25f, 7f }));
    }

    [Test]
    public void Postprocessing_TopKAboveClassCount_Throws()
    {
        Assert.That(
            () => ClassificationPostprocessingStage.Build("logits", classes: 3, softmax: true, topK: 4),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("3 classes"));
    }
}
