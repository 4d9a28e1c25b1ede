using Microsoft.ML.OnnxRuntime.Tensors;
using PullWorker.Inference.Onnx.Proto;

namespace PullWorker.Inference.Tensors;

/// <summary>The element types a pipeline accepts and produces (the contract's dtypes, plus strings for labels).</summary>
public enum TensorDataType
{
    Float32,
    Float16,
    Int64,
    Int32,
    UInt8,
    Bool,
    /// <summary>Only produced on the host (top-k labels); never an input.</summary>
    String,
}

/// <summary>Conversions between our dtype, the contract's names, ONNX Runtime's and the ONNX file format's.</summary>
public static class TensorDataTypes
{
    /// <summary>The contract's name for <paramref name="type"/> (<c>float32</c>, <c>int64</c>, ...).</summary>
    public static string ToContractName(this TensorDataType type) => type switch
    {
        TensorDataType.Float32 => "float32",
        TensorDataType.Float16 => "float16",
        TensorDataType.Int64 => "int64",
        TensorDataType.Int32 => "int32",
        TensorDataType.UInt8 => "uint8",
        TensorDataType.Bool => "bool",
        TensorDataType.String => "string",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>Bytes per element; strings have no fixed size and report 0.</summary>
    public static int ElementSize(this TensorDataType type) => type switch
    {
        TensorDataType.Float32 or TensorDataType.Int32 => 4,
        TensorDataType.Float16 => 2,
        TensorDataType.Int64 => 8,
        TensorDataType.UInt8 or TensorDataType.Bool => 1,
        _ => 0,
    };

    /// <summary>The CLR element type of arrays holding this dtype.</summary>
    public static Type ClrType(this TensorDataType type) => type switch
    {
        TensorDataType.Float32 => typeof(float),
        TensorDataType.Float16 => typeof(Half),
        TensorDataType.Int64 => typeof(long),
        TensorDataType.Int32 => typeof(int),
        TensorDataType.UInt8 => typeof(byte),
        TensorDataType.Bool => typeof(bool),
        TensorDataType.String => typeof(string),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    internal static TensorElementType ToOrt(this TensorDataType type) => type switch
    {
        TensorDataType.Float32 => TensorElementType.Float,
        TensorDataType.Float16 => TensorElementType.Float16,
        TensorDataType.Int64 => TensorElementType.Int64,
        TensorDataType.Int32 => TensorElementType.Int32,
        TensorDataType.UInt8 => TensorElementType.UInt8,
        TensorDataType.Bool => TensorElementType.Bool,
        TensorDataType.String => TensorElementType.String,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    internal static bool TryFromOrt(TensorElementType type, out TensorDataType result)
    {
        result = type switch
        {
            TensorElementType.Float => TensorDataType.Float32,
            TensorElementType.Float16 => TensorDataType.Float16,
            TensorElementType.Int64 => TensorDataType.Int64,
            TensorElementType.Int32 => TensorDataType.Int32,
            TensorElementType.UInt8 => TensorDataType.UInt8,
            TensorElementType.Bool => TensorDataType.Bool,
            TensorElementType.String => TensorDataType.String,
            _ => (TensorDataType)(-1),
        };
        return Enum.IsDefined(result);
    }

    internal static TensorProto.Types.DataType ToOnnx(this TensorDataType type) => type switch
    {
        TensorDataType.Float32 => TensorProto.Types.DataType.Float,
        TensorDataType.Float16 => TensorProto.Types.DataType.Float16,
        TensorDataType.Int64 => TensorProto.Types.DataType.Int64,
        TensorDataType.Int32 => TensorProto.Types.DataType.Int32,
        TensorDataType.UInt8 => TensorProto.Types.DataType.Uint8,
        TensorDataType.Bool => TensorProto.Types.DataType.Bool,
        TensorDataType.String => TensorProto.Types.DataType.String,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
