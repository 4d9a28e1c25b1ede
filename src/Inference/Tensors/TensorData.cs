using System.Runtime.InteropServices;

namespace PullWorker.Inference.Tensors;

/// <summary>
/// One item's value for one tensor, without the batch dimension: a dtype, a shape and the elements, either as a
/// typed array (<c>float[]</c>, <c>Half[]</c>, <c>long[]</c>, <c>int[]</c>, <c>byte[]</c>, <c>bool[]</c>, and
/// <c>string[]</c> for outputs) or, for inputs, as raw little-endian bytes in a <c>byte[]</c>.
/// </summary>
public sealed class TensorData
{
    private TensorData(TensorDataType dataType, long[] shape, Array data)
    {
        DataType = dataType;
        Shape = shape;
        Data = data;
    }

    /// <summary>The element type.</summary>
    public TensorDataType DataType { get; }

    /// <summary>The per-item shape (no batch dimension); empty for a scalar.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>The elements in row-major order: a typed array, or raw little-endian bytes.</summary>
    public Array Data { get; }

    /// <summary>Number of elements the shape describes.</summary>
    public long ElementCount => ElementCountOf(Shape);

    /// <summary>Wraps a typed array; its element type must match <paramref name="dataType"/>.</summary>
    public static TensorData FromArray(TensorDataType dataType, Array data, params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        if (data.GetType().GetElementType() != dataType.ClrType())
        {
            throw new ArgumentException(
                $"a {dataType.ToContractName()} tensor needs a {dataType.ClrType().Name}[], got {data.GetType().Name}",
                nameof(data));
        }

        if (data.Length != ElementCountOf(shape))
        {
            throw new ArgumentException(
                $"shape [{string.Join(',', shape)}] needs {ElementCountOf(shape)} values, got {data.Length}",
                nameof(data));
        }

        return new TensorData(dataType, shape, data);
    }

    /// <summary>Wraps raw little-endian bytes of a fixed-size dtype (the contract's <c>b64</c> form).</summary>
    public static TensorData FromBytes(TensorDataType dataType, byte[] bytes, params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(shape);
        if (dataType == TensorDataType.String)
        {
            throw new ArgumentException("string tensors have no raw byte form", nameof(dataType));
        }

        var expected = ElementCountOf(shape) * dataType.ElementSize();
        if (bytes.LongLength != expected)
        {
            throw new ArgumentException(
                $"shape [{string.Join(',', shape)}] of {dataType.ToContractName()} needs {expected} bytes, got {bytes.LongLength}",
                nameof(bytes));
        }

        return new TensorData(dataType, shape, bytes);
    }

    /// <summary>A float32 tensor.</summary>
    public static TensorData Float32(float[] data, params long[] shape) => FromArray(TensorDataType.Float32, data, shape);

    /// <summary>An int64 tensor.</summary>
    public static TensorData Int64(long[] data, params long[] shape) => FromArray(TensorDataType.Int64, data, shape);

    /// <summary>Decoded image pixels: uint8 rows of <c>height x width x 3</c> (RGB, NHWC without N).</summary>
    public static TensorData ImagePixels(byte[] rgb, int width, int height) =>
        FromArray(TensorDataType.UInt8, rgb, height, width, 3);

    /// <summary>The elements as a typed span; throws when the data is of another type.</summary>
    public ReadOnlySpan<T> AsSpan<T>()
        where T : unmanaged
    {
        if (Data is T[] typed)
        {
            return typed;
        }

        if (Data is byte[] raw && typeof(T) == DataType.ClrType())
        {
            return MemoryMarshal.Cast<byte, T>(raw);
        }

        throw new InvalidOperationException($"tensor holds {Data.GetType().Name}, not {typeof(T).Name}[]");
    }

    /// <summary>The elements as strings; only for string tensors.</summary>
    public IReadOnlyList<string> AsStrings() =>
        Data as string[] ?? throw new InvalidOperationException($"tensor holds {Data.GetType().Name}, not string[]");

    internal ReadOnlySpan<byte> Bytes
    {
        get
        {
            if (DataType == TensorDataType.String)
            {
                throw new InvalidOperationException("string tensors have no byte form");
            }

            return MemoryMarshal.CreateReadOnlySpan(
                ref MemoryMarshal.GetArrayDataReference(Data), checked((int)(ElementCount * DataType.ElementSize())));
        }
    }

    internal static TensorData Create(TensorDataType dataType, long[] shape, Array data) => new(dataType, shape, data);

    internal static long ElementCountOf(IReadOnlyList<long> shape)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            count = checked(count * dim);
        }

        return count;
    }
}
