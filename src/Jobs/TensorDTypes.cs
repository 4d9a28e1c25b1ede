using System.Runtime.CompilerServices;

namespace PullWorker.Jobs;

/// <summary>The contract's dtype names and the .NET element types they map to.</summary>
public static class TensorDTypes
{
    public const string Float32 = "float32";
    public const string Float64 = "float64";
    public const string Float16 = "float16";
    public const string Int8 = "int8";
    public const string Int16 = "int16";
    public const string Int32 = "int32";
    public const string Int64 = "int64";
    public const string UInt8 = "uint8";
    public const string UInt16 = "uint16";
    public const string UInt32 = "uint32";
    public const string UInt64 = "uint64";
    public const string Bool = "bool";

    /// <summary>Outputs only: labels from the built-in classification stage.</summary>
    public const string String = "string";

    /// <summary>The dtype name of <typeparamref name="T"/>.</summary>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not a tensor element type.</exception>
    public static string NameOf<T>()
        where T : unmanaged =>
        typeof(T) == typeof(float) ? Float32
        : typeof(T) == typeof(double) ? Float64
        : typeof(T) == typeof(Half) ? Float16
        : typeof(T) == typeof(sbyte) ? Int8
        : typeof(T) == typeof(short) ? Int16
        : typeof(T) == typeof(int) ? Int32
        : typeof(T) == typeof(long) ? Int64
        : typeof(T) == typeof(byte) ? UInt8
        : typeof(T) == typeof(ushort) ? UInt16
        : typeof(T) == typeof(uint) ? UInt32
        : typeof(T) == typeof(ulong) ? UInt64
        : typeof(T) == typeof(bool) ? Bool
        : throw new NotSupportedException($"{typeof(T).Name} is not a tensor element type");

    /// <summary>Widens any integer element type except <see cref="ulong"/> to a long, without boxing.</summary>
    internal static long ToInt64<T>(T value)
        where T : unmanaged =>
        typeof(T) == typeof(sbyte) ? Unsafe.As<T, sbyte>(ref value)
        : typeof(T) == typeof(short) ? Unsafe.As<T, short>(ref value)
        : typeof(T) == typeof(int) ? Unsafe.As<T, int>(ref value)
        : typeof(T) == typeof(long) ? Unsafe.As<T, long>(ref value)
        : typeof(T) == typeof(byte) ? Unsafe.As<T, byte>(ref value)
        : typeof(T) == typeof(ushort) ? Unsafe.As<T, ushort>(ref value)
        : typeof(T) == typeof(uint) ? Unsafe.As<T, uint>(ref value)
        : throw new NotSupportedException($"{typeof(T).Name} does not widen to long");
}
