using Google.Protobuf;
using static Google.Protobuf.WireFormat;

namespace PullWorker.Worker.Tests.EndToEnd;

/// <summary>
/// An ONNX model whose weights live in a separate file, written field by field (the repository's builder writes
/// weights inline): <c>y = x + w</c>, x and y float [N, 16], w float [16] read from <see cref="DataFileName"/>
/// beside the model, as ONNX Runtime resolves it relative to the model file's folder.
/// </summary>
internal static class ExternalWeightsModel
{
    public const int Width = 16;
    public const string DataFileName = "model.onnx_data";

    private const int FloatType = 1;
    private const int ExternalLocation = 1;

    public static float[] Weights { get; } = Enumerable.Range(0, Width).Select(i => 100f + (i * 10f)).ToArray();

    /// <summary>The weights file: 16 little-endian floats, <see cref="Weights"/> unless others are given.</summary>
    public static byte[] Data(float[]? weights = null) =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes((weights ?? Weights).AsSpan()).ToArray();

    public static byte[] Model()
    {
        var graph = Message(g =>
        {
            g.WriteTag(1, WireType.LengthDelimited);
            g.WriteBytes(Message(node =>
            {
                WriteString(node, 1, "x");
                WriteString(node, 1, "w");
                WriteString(node, 2, "y");
                WriteString(node, 4, "Add");
            }));
            WriteString(g, 2, "external-weights");
            g.WriteTag(5, WireType.LengthDelimited);
            g.WriteBytes(Message(tensor =>
            {
                tensor.WriteTag(1, WireType.Varint);
                tensor.WriteInt64(Width);
                tensor.WriteTag(2, WireType.Varint);
                tensor.WriteInt32(FloatType);
                WriteString(tensor, 8, "w");
                tensor.WriteTag(13, WireType.LengthDelimited);
                tensor.WriteBytes(Message(entry =>
                {
                    WriteString(entry, 1, "location");
                    WriteString(entry, 2, DataFileName);
                }));
                tensor.WriteTag(14, WireType.Varint);
                tensor.WriteInt32(ExternalLocation);
            }));
            g.WriteTag(11, WireType.LengthDelimited);
            g.WriteBytes(ValueInfo("x"));
            g.WriteTag(12, WireType.LengthDelimited);
            g.WriteBytes(ValueInfo("y"));
        });

        return Message(model =>
        {
            model.WriteTag(1, WireType.Varint);
            model.WriteInt64(8);
            model.WriteTag(7, WireType.LengthDelimited);
            model.WriteBytes(graph);
            model.WriteTag(8, WireType.LengthDelimited);
            model.WriteBytes(Message(opset =>
            {
                opset.WriteTag(2, WireType.Varint);
                opset.WriteInt64(17);
            }));
        }).ToByteArray();
    }

    // ValueInfoProto { name = 1, type = 2 { tensor_type = 1 { elem_type = 1, shape = 2 { dim = 1 [N], dim = 1 [16] } } } }
    private static ByteString ValueInfo(string name) => Message(info =>
    {
        WriteString(info, 1, name);
        info.WriteTag(2, WireType.LengthDelimited);
        info.WriteBytes(Message(type =>
        {
            type.WriteTag(1, WireType.LengthDelimited);
            type.WriteBytes(Message(tensorType =>
            {
                tensorType.WriteTag(1, WireType.Varint);
                tensorType.WriteInt32(FloatType);
                tensorType.WriteTag(2, WireType.LengthDelimited);
                tensorType.WriteBytes(Message(shape =>
                {
                    shape.WriteTag(1, WireType.LengthDelimited);
                    shape.WriteBytes(Message(dim => WriteString(dim, 2, "N")));
                    shape.WriteTag(1, WireType.LengthDelimited);
                    shape.WriteBytes(Message(dim =>
                    {
                        dim.WriteTag(1, WireType.Varint);
                        dim.WriteInt64(Width);
                    }));
                }));
            }));
        }));
    });

    private static void WriteString(CodedOutputStream output, int field, string value)
    {
        output.WriteTag(field, WireType.LengthDelimited);
        output.WriteString(value);
    }

    private static ByteString Message(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        using (var output = new CodedOutputStream(buffer, leaveOpen: true))
        {
            write(output);
        }

        return ByteString.CopyFrom(buffer.ToArray());
    }
}
