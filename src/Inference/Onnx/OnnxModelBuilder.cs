using System.Runtime.InteropServices;
using Google.Protobuf;
using PullWorker.Inference.Onnx.Proto;
using PullWorker.Inference.Tensors;

namespace PullWorker.Inference.Onnx;

/// <summary>
/// A small fluent writer of ONNX models: declare graph inputs and outputs, add initializers and nodes, and
/// <see cref="Build"/> the bytes ONNX Runtime loads. Nodes must be added in topological order.
/// </summary>
/// <example>
/// <code>
/// var model = new OnnxModelBuilder("double")
///     .Input("x", TensorDataType.Float32, "N", 4)
///     .Initializer("two", [2f], 1)
///     .Node("Mul", ["x", "two"], ["y"])
///     .Output("y", TensorDataType.Float32, "N", 4)
///     .Build();
/// </code>
/// </example>
public sealed class OnnxModelBuilder
{
    /// <summary>The default ONNX operator set: 17 is served by every ONNX Runtime the product supports.</summary>
    public const int DefaultOpset = 17;

    // IR version 8 goes with opset 17 (ONNX 1.12 and later).
    private const long IrVersion = 8;

    private readonly GraphProto _graph;
    private readonly int _opset;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private int _nextName;

    /// <summary>Starts a model whose graph is called <paramref name="graphName"/>.</summary>
    public OnnxModelBuilder(string graphName, int opset = DefaultOpset)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(graphName);
        _graph = new GraphProto { Name = graphName };
        _opset = opset;
    }

    /// <summary>Declares a graph input.</summary>
    public OnnxModelBuilder Input(string name, TensorDataType type, params Dim[] dims)
    {
        _graph.Input.Add(ValueInfo(Claim(name), type, dims));
        return this;
    }

    /// <summary>Declares a graph output (the value must be produced by a node).</summary>
    public OnnxModelBuilder Output(string name, TensorDataType type, params Dim[] dims)
    {
        _graph.Output.Add(ValueInfo(name, type, dims));
        return this;
    }

    /// <summary>Adds a float32 constant.</summary>
    public OnnxModelBuilder Initializer(string name, float[] values, params long[] dims) =>
        AddInitializer(name, TensorDataType.Float32, MemoryMarshal.AsBytes(values.AsSpan()), values.Length, dims);

    /// <summary>Adds an int64 constant (shapes, indices, axes).</summary>
    public OnnxModelBuilder Initializer(string name, long[] values, params long[] dims) =>
        AddInitializer(name, TensorDataType.Int64, MemoryMarshal.AsBytes(values.AsSpan()), values.Length, dims);

    /// <summary>Adds a float32 constant under a fresh name and returns that name.</summary>
    public string Constant(float[] values, params long[] dims)
    {
        var name = FreshName("const");
        Initializer(name, values, dims);
        return name;
    }

    /// <summary>Adds an int64 constant under a fresh name and returns that name.</summary>
    public string Constant(long[] values, params long[] dims)
    {
        var name = FreshName("const");
        Initializer(name, values, dims);
        return name;
    }

    /// <summary>Adds a node of the default ONNX domain.</summary>
    public OnnxModelBuilder Node(
        string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, params OnnxAttribute[] attributes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(opType);
        var node = new NodeProto { OpType = opType, Name = FreshName(opType) };
        node.Input.AddRange(inputs);
        foreach (var output in outputs)
        {
            node.Output.Add(Claim(output));
        }

        foreach (var attribute in attributes)
        {
            node.Attribute.Add(attribute.Proto);
        }

        _graph.Node.Add(node);
        return this;
    }

    /// <summary>Adds a single-output node whose output gets a fresh name, and returns that name.</summary>
    public string Apply(string opType, IReadOnlyList<string> inputs, params OnnxAttribute[] attributes)
    {
        var output = FreshName(opType.ToLowerInvariant());
        Node(opType, inputs, [output], attributes);
        return output;
    }

    /// <summary>Serializes the model.</summary>
    public byte[] Build()
    {
        if (_graph.Output.Count == 0)
        {
            throw new InvalidOperationException($"graph '{_graph.Name}' declares no outputs");
        }

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "pullworker",
            ProducerVersion = typeof(OnnxModelBuilder).Assembly.GetName().Version?.ToString() ?? "0",
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = _opset });
        return model.ToByteArray();
    }

    private OnnxModelBuilder AddInitializer(
        string name, TensorDataType type, ReadOnlySpan<byte> bytes, int count, long[] dims)
    {
        if (TensorData.ElementCountOf(dims) != count)
        {
            throw new ArgumentException(
                $"initializer '{name}': shape [{string.Join(',', dims)}] needs {TensorData.ElementCountOf(dims)} values, got {count}");
        }

        // raw_data is little-endian by definition; so is every platform .NET runs ONNX Runtime on.
        var tensor = new TensorProto
        {
            Name = Claim(name),
            DataType = (int)type.ToOnnx(),
            RawData = ByteString.CopyFrom(bytes),
        };
        tensor.Dims.AddRange(dims);
        _graph.Initializer.Add(tensor);
        return this;
    }

    private static ValueInfoProto ValueInfo(string name, TensorDataType type, Dim[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim.Symbol is { } symbol
                ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                : new TensorShapeProto.Types.Dimension { DimValue = dim.Size!.Value });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)type.ToOnnx(), Shape = shape },
            },
        };
    }

    private string Claim(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!_names.Add(name))
        {
            throw new ArgumentException($"value '{name}' is defined twice in graph '{_graph.Name}'", nameof(name));
        }

        return name;
    }

    private string FreshName(string prefix)
    {
        string name;
        do
        {
            name = $"{prefix}_{_nextName++}";
        }
        while (_names.Contains(name));

        return name;
    }
}
