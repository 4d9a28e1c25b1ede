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

        var error = Assert.Throws<PipelineSetupException>(() => InferenceEngine.Create(Pipelines.Of(path), new BatchingOptions()));
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

    [Test]
    public void FindOperator_LargeWeights_SkippedUnreadAndOpAfterThemFound()
    {
        // 16 MB of weights, initializers first (as exporters write them), the op after them.
        var weights = new float[4 * 1024 * 1024];
        var model = new ModelProto
        {
            Graph = new GraphProto
            {
                Initializer = { new TensorProto { Name = "w", DataType = 1, Dims = { weights.Length }, RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(weights.AsSpan())) } },
                Node = { new NodeProto { OpType = "MatMul" }, new NodeProto { OpType = "NonZero" } },
            },
        };
        using var stream = new CountingStream(model.ToByteArray());

        var found = DataDependentShapes.FindOperator(stream);

        Assert.Multiple(() =>
        {
            Assert.That(found, Is.EqualTo("NonZero"));
            Assert.That(stream.BytesRead, Is.LessThan(1024), "the weights are seeked past, not read");
        });
    }

    /// <summary>A seekable in-memory model that counts the bytes actually read.</summary>
    private sealed class CountingStream(byte[] bytes) : MemoryStream(bytes)
    {
        public long BytesRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count) => Counted(base.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Counted(base.Read(buffer));

        public override int ReadByte()
        {
            var b = base.ReadByte();
            BytesRead += b >= 0 ? 1 : 0;
            return b;
        }

        private int Counted(int read)
        {
            BytesRead += read;
            return read;
        }
    }
}
