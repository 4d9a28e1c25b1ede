using Microsoft.ML.OnnxRuntime;
using PullWorker.Inference.Onnx;
using PullWorker.Inference.Stages;
using PullWorker.Inference.Tensors;

namespace PullWorker.Inference.Tests.Onnx;

public sealed class OnnxModelBuilderTests
{
    [Test]
    public void Build_MulByInitializer_LoadsWithDeclaredMetadataAndComputes()
    {
        var bytes = new OnnxModelBuilder("double")
            .Input("x", TensorDataType.Float32, "N", 2)
            .Initializer("two", [2f], 1)
            .Node("Mul", ["x", "two"], ["y"])
            .Output("y", TensorDataType.Float32, "N", 2)
            .Build();
        using var session = new InferenceSession(bytes);
        using var input = OrtValue.CreateTensorValueFromMemory(new[] { 1.5f, -3f }, [1, 2]);
        using var outputs = session.Run(new RunOptions(), ["x"], [input], ["y"]);
        Assert.Multiple(() =>
        {
            Assert.That(session.InputMetadata["x"].SymbolicDimensions[0], Is.EqualTo("N"));
            Assert.That(session.InputMetadata["x"].Dimensions[1], Is.EqualTo(2));
            Assert.That(outputs[0].GetTensorDataAsSpan<float>().ToArray(), Is.EqualTo(new[] { 3f, -6f }));
        });
    }

    [Test]
    public void Node_OutputNameUsedTwice_ThrowsNamingIt()
    {
        var builder = new OnnxModelBuilder("g").Input("x", TensorDataType.Float32, "N");
        Assert.That(() => builder.Node("Identity", ["x"], ["x"]), Throws.ArgumentException.With.Message.Contains("'x' is defined twice"));
    }

    [Test]
    public void Initializer_CountNotMatchingShape_Throws()
    {
        Assert.That(
            () => new OnnxModelBuilder("g").Initializer("w", [1f, 2f, 3f], 2, 2),
            Throws.ArgumentException.With.Message.Contains("needs 4 values, got 3"));
    }

    [Test]
    public void SampleModels_All_LoadInOnnxRuntime()
    {
        var models = new[] { SampleModels.TinyMlp(), SampleModels.ComputeCnn(), SampleModels.Poisoned(), SampleModels.Demo(), SampleModels.SymbolicLength() }
            .Concat(SampleModels.ThreeStageChain());
        Assert.Multiple(() =>
        {
            foreach (var model in models)
            {
                using var session = new InferenceSession(model);
                Assert.That(session.OutputNames, Is.Not.Empty);
            }
        });
    }

    [Test]
    public void ComputeCnn_FlopsPerItem_IsAboutPointThreeGiga()
    {
        Assert.That(SampleModels.ComputeCnnFlopsPerItem, Is.InRange(0.28e9, 0.34e9));
    }
}
