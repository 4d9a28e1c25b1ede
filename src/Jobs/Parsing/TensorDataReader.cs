using System.Globalization;
using System.Text.Json;

namespace PullWorker.Jobs.Parsing;

/// <summary>Reads a tensor's <c>data</c> array straight into its little-endian bytes, one typed loop per dtype.</summary>
internal static class TensorDataReader
{
    /// <summary>Reads the array the reader is on (its <c>[</c>) and leaves the reader on its <c>]</c>.</summary>
    /// <param name="elementCount">What the shape says; already checked against the size limit.</param>
    /// <exception cref="JobContentException">A value does not fit the dtype, or the count differs from the shape's.</exception>
    public static byte[] Read(ref Utf8JsonReader reader, string inputName, InputDType dtype, long[] shape, long elementCount)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JobContentException(
                JobErrorCode.InvalidJson, $"input '{inputName}': 'data' must be an array, got {JobText.Kind(reader.TokenType)}");
        }

        var bytes = new byte[checked((int)(elementCount * dtype.ElementSize()))];
        var count = dtype switch
        {
            InputDType.Float32 => ReadValues<Float32Codec>(ref reader, bytes, inputName),
            InputDType.Float16 => ReadValues<Float16Codec>(ref reader, bytes, inputName),
            InputDType.Int64 => ReadValues<Int64Codec>(ref reader, bytes, inputName),
            InputDType.Int32 => ReadValues<Int32Codec>(ref reader, bytes, inputName),
            InputDType.UInt8 => ReadValues<UInt8Codec>(ref reader, bytes, inputName),
            InputDType.Bool => ReadValues<BoolCodec>(ref reader, bytes, inputName),
            _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
        };
        if (count != elementCount)
        {
            throw new JobContentException(
                JobErrorCode.InvalidTensor,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"input '{inputName}': expected shape {JobText.Shape(shape)} ({elementCount} values), got {count}"));
        }

        return bytes;
    }

    private static long ReadValues<TCodec>(ref Utf8JsonReader reader, Span<byte> destination, string inputName)
        where TCodec : struct, IElementCodec
    {
        var capacity = destination.Length / TCodec.DType.ElementSize();
        long count = 0;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.EndArray:
                    return count;
                case JsonTokenType.StartArray or JsonTokenType.StartObject:
                    throw new JobContentException(
                        JobErrorCode.InvalidTensor,
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"input '{inputName}': 'data' must be a flat array of values in row-major order; found {JobText.Kind(reader.TokenType)} at index {count}"));
            }

            // Values past the shape's count are only counted, so the message can say how many came.
            if (count < capacity && !TCodec.TryWrite(ref reader, destination, (int)count))
            {
                throw new JobContentException(
                    JobErrorCode.InvalidTensor,
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"input '{inputName}': value {JobText.Token(ref reader)} at index {count} {TCodec.Problem(ref reader)}"));
            }

            count++;
        }

        // Unreachable for a complete document: the reader throws on a truncated array.
        throw new JsonException("the 'data' array ends before its ']'");
    }
}
