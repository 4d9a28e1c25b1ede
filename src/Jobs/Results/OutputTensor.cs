using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PullWorker.Jobs.Results;

/// <summary>
/// One named output of a job: a dtype, a shape (without the batch dimension) and the values in row-major order.
/// Create one with <see cref="OutputTensor{T}"/>; its data is a <see cref="ReadOnlyMemory{T}"/>, so the inference
/// side can hand each item a slice of the batch's output buffer instead of copying.
/// </summary>
/// <remarks>
/// Serialised as <c>{"dtype": ..., "shape": [...], "data": [...]}</c> with <c>data</c> a flat JSON array. Floats use
/// the shortest form that round-trips. JSON has no NaN or infinities, so those are written as the strings
/// <c>"NaN"</c>, <c>"Infinity"</c> and <c>"-Infinity"</c> (the names System.Text.Json, Python's json module and
/// JavaScript's <c>Number()</c> all understand), keeping the document valid JSON.
/// </remarks>
[JsonConverter(typeof(OutputTensorJsonConverter))]
public abstract class OutputTensor
{
    private readonly long[] _shape;

    private protected OutputTensor(string dtype, ReadOnlySpan<long> shape, int length)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim < 0)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"shape [{string.Join(',', shape.ToArray())}] has a negative dimension"),
                    nameof(shape));
            }

            count = checked(count * dim);
        }

        if (count != length)
        {
            throw new ArgumentException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"shape [{string.Join(',', shape.ToArray())}] needs {count} values, got {length}"),
                nameof(shape));
        }

        DType = dtype;
        _shape = shape.ToArray();
    }

    /// <summary>The contract's dtype name: <c>float32</c>, <c>int64</c>, <c>uint8</c>, <c>bool</c>, ...</summary>
    public string DType { get; }

    public IReadOnlyList<long> Shape => _shape;

    /// <summary>The number of values (the product of <see cref="Shape"/>).</summary>
    public abstract int Length { get; }

    internal void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("dtype", DType);
        writer.WriteStartArray("shape");
        foreach (var dim in _shape)
        {
            writer.WriteNumberValue(dim);
        }

        writer.WriteEndArray();
        writer.WritePropertyName("data");
        WriteData(writer);
        writer.WriteEndObject();
    }

    private protected abstract void WriteData(Utf8JsonWriter writer);
}
