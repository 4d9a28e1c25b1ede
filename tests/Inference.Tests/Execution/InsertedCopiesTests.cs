using Google.Protobuf;
using PullWorker.Inference.Execution;
using PullWorker.Inference.Onnx.Proto;

namespace PullWorker.Inference.Tests.Execution;

public sealed class InsertedCopiesTests
{
    [Test]
    public void Count_OptimizedGraphWithCopyNodes_CountsEveryOneIncludingSubgraphs()
    {
        // What ONNX Runtime saves when a node of the graph, and one inside an If branch, cannot run on CUDA.
        var model = new ModelProto
        {
            Graph = new GraphProto
            {
                Node =
                {
                    new NodeProto { OpType = "Conv" },
                    new NodeProto { OpType = "MemcpyToHost" },
                    new NodeProto { OpType = "NonMaxSuppression" },
                    new NodeProto { OpType = "MemcpyFromHost" },
                    new NodeProto
                    {
                        OpType = "If",
                        Attribute =
                        {
                            new AttributeProto { Name = "then_branch", G = new GraphProto { Node = { new NodeProto { OpType = "MemcpyToHost" } } } },
                            new AttributeProto { Name = "else_branch", G = new GraphProto { Node = { new NodeProto { OpType = "Relu" } } } },
                        },
                    },
                },
            },
        };

        Assert.That(InsertedCopies.Count(model.ToByteArray()), Is.EqualTo(3));
    }

    [Test]
    public void Count_GraphWithoutCopyNodes_IsZero()
    {
        var model = new ModelProto { Graph = new GraphProto { Node = { new NodeProto { OpType = "MatMul" }, new NodeProto { OpType = "Memcpy" } } } };

        Assert.That(InsertedCopies.Count(model.ToByteArray()), Is.Zero);
    }
}
