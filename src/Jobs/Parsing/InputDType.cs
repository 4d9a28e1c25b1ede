namespace PullWorker.Jobs.Parsing;

/// <summary>The element types a job's tensor inputs may have (docs/jobs-and-results.md, "A job").</summary>
public enum InputDType
{
    Float32,
    Float16,
    Int64,
    Int32,
    UInt8,
    Bool,
}

public static class InputDTypes
{
    /// <summary>The contract's names, in the order error messages list them.</summary>
    public const string AllowedNames = "float32, float16, int64, int32, uint8, bool";

    /// <summary>The contract's name of <paramref name="dtype"/>.</summary>
    public static string ToContractName(this InputDType dtype) => dtype switch
    {
        InputDType.Float32 => TensorDTypes.Float32,
        InputDType.Float16 => TensorDTypes.Float16,
        InputDType.Int64 => TensorDTypes.Int64,
        InputDType.Int32 => TensorDTypes.Int32,
        InputDType.UInt8 => TensorDTypes.UInt8,
        InputDType.Bool => TensorDTypes.Bool,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    /// <summary>Bytes per element in the raw little-endian form.</summary>
    public static int ElementSize(this InputDType dtype) => dtype switch
    {
        InputDType.Float32 or InputDType.Int32 => 4,
        InputDType.Float16 => 2,
        InputDType.Int64 => 8,
        InputDType.UInt8 or InputDType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    /// <summary>Parses a contract name given as UTF-8 (exact, case-sensitive); false for anything else.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8Name, out InputDType dtype)
    {
        (var known, dtype) = utf8Name switch
        {
            _ when utf8Name.SequenceEqual("float32"u8) => (true, InputDType.Float32),
            _ when utf8Name.SequenceEqual("float16"u8) => (true, InputDType.Float16),
            _ when utf8Name.SequenceEqual("int64"u8) => (true, InputDType.Int64),
            _ when utf8Name.SequenceEqual("int32"u8) => (true, InputDType.Int32),
            _ when utf8Name.SequenceEqual("uint8"u8) => (true, InputDType.UInt8),
            _ when utf8Name.SequenceEqual("bool"u8) => (true, InputDType.Bool),
            _ => (false, default),
        };
        return known;
    }
}
