using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Google.Protobuf;

namespace PullWorker.Bench.Infrastructure;

/// <summary>Jobs in the contract's JSON form with one float32 tensor as raw little-endian bytes (<c>b64</c>).</summary>
internal static class JobMessages
{
    public static ByteString Float32Job(string id, string input, ReadOnlySpan<float> values, IReadOnlyList<long> shape)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteStartObject("inputs");
            json.WriteStartObject(input);
            json.WriteString("dtype", "float32");
            json.WriteStartArray("shape");
            foreach (var dim in shape)
            {
                json.WriteNumberValue(dim);
            }

            json.WriteEndArray();
            json.WriteBase64String("b64", MemoryMarshal.AsBytes(values));
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return ByteString.CopyFrom(buffer.WrittenSpan);
    }
}
