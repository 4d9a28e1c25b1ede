using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PullWorker.Jobs.Results;

/// <summary>Reads and writes <see cref="OutputTensor"/> as <c>{"dtype", "shape", "data"}</c>.</summary>
public sealed class OutputTensorJsonConverter : JsonConverter<OutputTensor>
{
    public override OutputTensor Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"a tensor must be a JSON object, got {root.ValueKind}");
        }

        var dtype = Required(root, "dtype").GetString()
            ?? throw new JsonException("a tensor's 'dtype' must be a string");
        var shape = Required(root, "shape").EnumerateArray().Select(dim => dim.GetInt64()).ToArray();
        var data = Required(root, "data");
        return dtype switch
        {
            TensorDTypes.Float32 => Create(data, shape, JsonFloats.ReadSingle),
            TensorDTypes.Float64 => Create(data, shape, JsonFloats.ReadDouble),
            TensorDTypes.Float16 => Create(data, shape, JsonFloats.ReadHalf),
            TensorDTypes.Int8 => Create(data, shape, e => e.GetSByte()),
            TensorDTypes.Int16 => Create(data, shape, e => e.GetInt16()),
            TensorDTypes.Int32 => Create(data, shape, e => e.GetInt32()),
            TensorDTypes.Int64 => Create(data, shape, e => e.GetInt64()),
            TensorDTypes.UInt8 => Create(data, shape, e => e.GetByte()),
            TensorDTypes.UInt16 => Create(data, shape, e => e.GetUInt16()),
            TensorDTypes.UInt32 => Create(data, shape, e => e.GetUInt32()),
            TensorDTypes.UInt64 => Create(data, shape, e => e.GetUInt64()),
            TensorDTypes.Bool => Create(data, shape, e => e.GetBoolean()),
            TensorDTypes.String => new StringOutputTensor(
                [.. data.EnumerateArray().Select(e => e.GetString() ?? throw new JsonException("a string tensor holds no nulls"))], shape),
            _ => throw new JsonException($"unknown dtype '{dtype}'"),
        };
    }

    public override void Write(Utf8JsonWriter writer, OutputTensor value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        value.Write(writer);
    }

    private static JsonElement Required(JsonElement tensor, string name) =>
        tensor.TryGetProperty(name, out var value) ? value : throw new JsonException($"a tensor needs '{name}'");

    private static OutputTensor<T> Create<T>(JsonElement data, long[] shape, Func<JsonElement, T> read)
        where T : unmanaged
    {
        if (data.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException($"a tensor's 'data' must be an array, got {data.ValueKind}");
        }

        var values = new T[data.GetArrayLength()];
        var i = 0;
        foreach (var element in data.EnumerateArray())
        {
            values[i++] = read(element);
        }

        try
        {
            return new OutputTensor<T>(values, shape);
        }
        catch (ArgumentException e)
        {
            throw new JsonException(string.Create(CultureInfo.InvariantCulture, $"tensor: {e.Message}"), e);
        }
    }
}
