using PullWorker.Inference.Onnx.Proto;

namespace PullWorker.Inference.Execution;

/// <summary>
/// Host/device copies ONNX Runtime inserted inside a stage because it could not place every node on the device:
/// the <c>MemcpyToHost</c> / <c>MemcpyFromHost</c> nodes of the optimized graph it saves at load. Each runs on every
/// batch, a round trip within the stage that IO binding cannot remove, so the worker reports them.
/// </summary>
internal static class InsertedCopies
{
    /// <summary>Copy nodes in a serialized model, subgraphs (If, Loop, Scan bodies) included.</summary>
    public static int Count(byte[] model) => Count(ModelProto.Parser.ParseFrom(model).Graph);

    private static int Count(GraphProto? graph) =>
        graph is null
            ? 0
            : graph.Node.Sum(node =>
                (node.OpType is "MemcpyToHost" or "MemcpyFromHost" ? 1 : 0)
                + node.Attribute.Sum(attribute => Count(attribute.G) + attribute.Graphs.Sum(Count)));
}
