using Google.Protobuf;
using PullWorker.Inference.Onnx.Proto;

namespace PullWorker.Inference.Onnx;

/// <summary>A node attribute (the subset of ONNX attribute kinds our graphs use).</summary>
public sealed class OnnxAttribute
{
    private OnnxAttribute(AttributeProto proto) => Proto = proto;

    internal AttributeProto Proto { get; }

    /// <summary>An integer attribute (<c>axis</c>, <c>keepdims</c>, <c>to</c>, ...).</summary>
    public static OnnxAttribute Int(string name, long value) =>
        new(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value });

    /// <summary>A float attribute (<c>alpha</c>, <c>epsilon</c>, ...).</summary>
    public static OnnxAttribute Float(string name, float value) =>
        new(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value });

    /// <summary>A list of integers (<c>pads</c>, <c>strides</c>, <c>perm</c>, <c>kernel_shape</c>, ...).</summary>
    public static OnnxAttribute Ints(string name, params long[] values)
    {
        var proto = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        proto.Ints.AddRange(values);
        return new OnnxAttribute(proto);
    }

    /// <summary>A string attribute (<c>auto_pad</c>, <c>mode</c>, ...).</summary>
    public static OnnxAttribute String(string name, string value) =>
        new(new AttributeProto
        {
            Name = name,
            Type = AttributeProto.Types.AttributeType.String,
            S = ByteString.CopyFromUtf8(value),
        });
}
