using Google.Protobuf;
using PullWorker.Inference.Configuration;
using PullWorker.Inference.Onnx;
using PullWorker.Inference.Onnx.Proto;
using PullWorker.Inference.Tensors;
using PullWorker.Inference.Tests.Support;

namespace PullWorker.Inference.Tests.Onnx;

public sealed class DataDependentShapesTests
{
    [Test]
    public void Create_ModelWithNonZero_RefusedAtLoadInOneLineNamingModelAndOp()
    {
        var path = ModelFiles.WriteBytes("nonzero.onnx", new OnnxModelBuilder("nonzero")
            .Input("x", TensorDataType.Float32, "N", 4)
            .Node("NonZero", ["x"], ["positions"])
            .Output("positions", TensorDataType.Int64, 2, "K")
            .Build());

        var error = Assert.Throws<InvalidOperationException>(() => InferenceEngine.Create(Pipelines.Of(path), new BatchingOptions()));
        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.StartWith("Pipeline:Stages:0:Model: model 'nonzero.onnx' uses NonZero, whose output shape depends on the input data"));
            Assert.That(error.Message, Does.Not.Contain('\n'));
        });
    }

    [Test]
    public void FindOperator_NonMaxSuppressionInsideIfBranch_Found()
    {
        var model = new ModelProto
        {
            Graph = new GraphProto
            {
                Node =
                {
                    new NodeProto { OpType = "Conv" },
                    new NodeProto
                    {
                        OpType = "If",
                        Attribute =
                        {
                            new AttributeProto { Name = "then_branch", G = new GraphProto { Node = { new NodeProto { OpType = "Relu" } } } },
                            new AttributeProto { Name = "else_branch", G = new GraphProto { Node = { new NodeProto { OpType = "NonMaxSuppression" } } } },
                        },
                    },
                },
            },
        };

        Assert.That(DataDependentShapes.FindOperator(new MemoryStream(model.ToByteArray())), Is.EqualTo("NonMaxSuppression"));
    }

    [Test]
    public void FindOperator_FixedShapeOps_None()
    {
        var model = new ModelProto { Graph = new GraphProto { Node = { new NodeProto { OpType = "MatMul" }, new NodeProto { OpType = "TopK" } } } };

        Assert.That(DataDependentShapes.FindOperator(new MemoryStream(model.ToByteArray())), Is.Null);
    }
}
