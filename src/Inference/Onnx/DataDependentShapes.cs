using System.Text;

namespace PullWorker.Inference.Onnx;

/// <summary>
/// Finds operators whose output shape depends on the values of their inputs. The engine binds every stage's
/// outputs once per batch size, so such a model would fail per batch at run time (or return rows of the wrong
/// size); it is refused at load instead.
/// </summary>
/// <remarks>
/// The model is walked on the protobuf wire format, reading only graphs, nodes and their op types and seeking past
/// everything else: the weights (initializers, up to 2 GiB in one file) are never read into memory, as parsing the
/// whole <c>ModelProto</c> would.
/// </remarks>
internal static class DataDependentShapes
{
    // Field numbers of onnx.proto: ModelProto.graph, GraphProto.node, NodeProto.op_type / attribute,
    // AttributeProto.g / graphs.
    private const int ModelGraph = 7;
    private const int GraphNode = 1;
    private const int NodeOpType = 4;
    private const int NodeAttribute = 5;
    private const int AttributeGraph = 6;
    private const int AttributeGraphs = 11;

    private const int VarintWireType = 0;
    private const int Fixed64WireType = 1;
    private const int LengthDelimitedWireType = 2;
    private const int Fixed32WireType = 5;

    private static readonly HashSet<string> Operators = new(StringComparer.Ordinal)
    {
        "NonZero", "NonMaxSuppression", "Unique", "Compress",
    };

    /// <summary>The first such operator in the model file, subgraphs (If, Loop, Scan bodies) included; null if none.</summary>
    /// <remarks>Call after ONNX Runtime accepted the file, so it is known to be a model.</remarks>
    public static string? FindOperator(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024);
        return FindOperator(stream);
    }

    /// <summary>The first such operator in a serialized model on a seekable stream; null if none.</summary>
    public static string? FindOperator(Stream model)
    {
        ArgumentNullException.ThrowIfNull(model);
        string? found = null;
        ForEachField(model, model.Length, (field, end) =>
            field == ModelGraph && (found = FindInGraph(model, end)) is not null);
        return found;
    }

    private static string? FindInGraph(Stream model, long end)
    {
        string? found = null;
        ForEachField(model, end, (field, fieldEnd) => field == GraphNode && (found = FindInNode(model, fieldEnd)) is not null);
        return found;
    }

    private static string? FindInNode(Stream model, long end)
    {
        string? found = null;
        ForEachField(model, end, (field, fieldEnd) =>
        {
            if (field == NodeOpType)
            {
                var opType = ReadString(model, fieldEnd);
                found = Operators.Contains(opType) ? opType : null;
            }
            else if (field == NodeAttribute)
            {
                ForEachField(model, fieldEnd, (attributeField, attributeEnd) =>
                    attributeField is AttributeGraph or AttributeGraphs && (found = FindInGraph(model, attributeEnd)) is not null);
            }

            return found is not null;
        });
        return found;
    }

    /// <summary>
    /// Calls <paramref name="visit"/> for each length-delimited field up to <paramref name="end"/> with its number
    /// and end position, skipping the rest; stops early when it returns true. Leaves the stream at
    /// <paramref name="end"/> unless stopped.
    /// </summary>
    private static void ForEachField(Stream model, long end, Func<int, long, bool> visit)
    {
        while (model.Position < end)
        {
            var tag = ReadVarint(model);
            var wireType = (int)(tag & 7);
            var field = (int)(tag >> 3);
            switch (wireType)
            {
                case LengthDelimitedWireType:
                    var length = (long)ReadVarint(model);
                    var fieldEnd = checked(model.Position + length);
                    if (visit(field, fieldEnd))
                    {
                        return;
                    }

                    model.Position = fieldEnd;
                    break;
                case VarintWireType:
                    ReadVarint(model);
                    break;
                case Fixed64WireType:
                    model.Position += 8;
                    break;
                case Fixed32WireType:
                    model.Position += 4;
                    break;
                default:
                    throw new InvalidDataException($"not an ONNX model: wire type {wireType} at byte {model.Position}");
            }
        }
    }

    private static ulong ReadVarint(Stream model)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = model.ReadByte();
            if (b < 0)
            {
                throw new InvalidDataException("not an ONNX model: it ends inside a field");
            }

            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("not an ONNX model: a varint longer than 10 bytes");
    }

    private static string ReadString(Stream model, long end)
    {
        // Op type names are short; anything long is not one of ours.
        var length = end - model.Position;
        if (length > 256)
        {
            return string.Empty;
        }

        Span<byte> bytes = stackalloc byte[(int)length];
        model.ReadExactly(bytes);
        return Encoding.UTF8.GetString(bytes);
    }
}
