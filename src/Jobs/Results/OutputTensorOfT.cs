using System.Runtime.InteropServices;
using System.Text.Json;

namespace PullWorker.Jobs.Results;

/// <summary>An output tensor whose values are <typeparamref name="T"/>; see <see cref="TensorDTypes"/> for the types.</summary>
public sealed class OutputTensor<T> : OutputTensor
    where T : unmanaged
{
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> has no contract dtype.</exception>
    /// <exception cref="ArgumentException">The shape's element count differs from the data's length.</exception>
    public OutputTensor(ReadOnlyMemory<T> data, ReadOnlySpan<long> shape)
        : base(TensorDTypes.NameOf<T>(), shape, data.Length) => Data = data;

    public ReadOnlyMemory<T> Data { get; }

    public override int Length => Data.Length;

    // The typeof checks are JIT-time constants for value types, so each instantiation keeps one branch.
    private protected override void WriteData(Utf8JsonWriter writer)
    {
        var span = Data.Span;
        writer.WriteStartArray();
        if (typeof(T) == typeof(float))
        {
            foreach (var value in MemoryMarshal.Cast<T, float>(span))
            {
                JsonFloats.Write(writer, value);
            }
        }
        else if (typeof(T) == typeof(double))
        {
            foreach (var value in MemoryMarshal.Cast<T, double>(span))
            {
                JsonFloats.Write(writer, value);
            }
        }
        else if (typeof(T) == typeof(Half))
        {
            foreach (var value in MemoryMarshal.Cast<T, Half>(span))
            {
                JsonFloats.Write(writer, value);
            }
        }
        else if (typeof(T) == typeof(bool))
        {
            foreach (var value in MemoryMarshal.Cast<T, bool>(span))
            {
                writer.WriteBooleanValue(value);
            }
        }
        else if (typeof(T) == typeof(ulong))
        {
            foreach (var value in MemoryMarshal.Cast<T, ulong>(span))
            {
                writer.WriteNumberValue(value);
            }
        }
        else
        {
            // Every other dtype is an integer that fits in a long.
            foreach (var value in span)
            {
                writer.WriteNumberValue(TensorDTypes.ToInt64(value));
            }
        }

        writer.WriteEndArray();
    }
}
