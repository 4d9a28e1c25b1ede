using System.Text.Json;

namespace PullWorker.Jobs.Results;

/// <summary>An output of strings, such as the labels of the built-in classification stage.</summary>
public sealed class StringOutputTensor : OutputTensor
{
    /// <exception cref="ArgumentException">The shape's element count differs from the number of values.</exception>
    public StringOutputTensor(IReadOnlyList<string> data, ReadOnlySpan<long> shape)
        : base(TensorDTypes.String, shape, data?.Count ?? 0) => Data = data ?? throw new ArgumentNullException(nameof(data));

    public IReadOnlyList<string> Data { get; }

    public override int Length => Data.Count;

    private protected override void WriteData(Utf8JsonWriter writer)
    {
        writer.WriteStartArray();
        foreach (var value in Data)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }
}
