using PullWorker.Inference.Onnx.Proto;

namespace PullWorker.Inference.Onnx;

/// <summary>
/// Finds operators whose output shape depends on the values of their inputs. The engine binds every stage's
/// outputs once per batch size, so such a model would fail per batch at run time (or return rows of the wrong
/// size); it is refused at load instead.
/// </summary>
internal static class DataDependentShapes
{
    private static readonly HashSet<string> Operators = new(StringComparer.Ordinal)
    {
        "NonZero", "NonMaxSuppression", "Unique", "Compress",
    };

    /// <summary>The first such operator in the model file, subgraphs (If, Loop, Scan bodies) included; null if none.</summary>
    /// <remarks>Call after ONNX Runtime accepted the file, so it is known to be a model.</remarks>
    public static string? FindOperator(string path)
    {
        using var stream = File.OpenRead(path);
        return FindOperator(stream);
    }

    /// <summary>The first such operator in a serialized model; null if none.</summary>
    public static string? FindOperator(Stream model) => Find(ModelProto.Parser.ParseFrom(model).Graph);

    private static string? Find(GraphProto? graph)
    {
        if (graph is null)
        {
            return null;
        }

        foreach (var node in graph.Node)
        {
            if (Operators.Contains(node.OpType))
            {
                return node.OpType;
            }

            foreach (var attribute in node.Attribute)
            {
                if ((Find(attribute.G) ?? attribute.Graphs.Select(Find).FirstOrDefault(op => op is not null)) is { } nested)
                {
                    return nested;
                }
            }
        }

        return null;
    }
}
