using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;

namespace PullWorker.Jobs.Parsing;

/// <summary>
/// Turns one JSON value of a <c>data</c> array into one little-endian element. Static abstract members let
/// <see cref="TensorDataReader"/> compile one tight loop per dtype: no boxing, no per-element dispatch.
/// </summary>
internal interface IElementCodec
{
    static abstract InputDType DType { get; }

    /// <summary>Writes element <paramref name="index"/> of <paramref name="destination"/>; false when the token does not fit the dtype.</summary>
    static abstract bool TryWrite(ref Utf8JsonReader reader, Span<byte> destination, int index);

    /// <summary>Why the current token does not fit, as the end of "value X at index I ...".</summary>
    static abstract string Problem(ref Utf8JsonReader reader);
}

/// <summary>
/// float32: JSON numbers within float range, plus the strings <c>"NaN"</c>, <c>"Infinity"</c> and
/// <c>"-Infinity"</c>, which JSON numbers cannot express and which result documents use for the same values.
/// </summary>
internal readonly struct Float32Codec : IElementCodec
{
    public static InputDType DType => InputDType.Float32;

    public static bool TryWrite(ref Utf8JsonReader reader, Span<byte> destination, int index)
    {
        float value;
        if (reader.TokenType == JsonTokenType.Number)
        {
            // A number too large for float32 parses as infinity: the job meant a finite value, so it is refused.
            if (!reader.TryGetSingle(out value) || !float.IsFinite(value))
            {
                return false;
            }
        }
        else if (!NonFiniteNames.TryRead(ref reader, out var named))
        {
            return false;
        }
        else
        {
            value = (float)named;
        }

        BinaryPrimitives.WriteSingleLittleEndian(destination[(index * 4)..], value);
        return true;
    }

    public static string Problem(ref Utf8JsonReader reader) => NonFiniteNames.Problem(ref reader, "float32");
}

/// <summary>float16: as <see cref="Float32Codec"/>, parsed straight to half precision so nothing rounds twice.</summary>
internal readonly struct Float16Codec : IElementCodec
{
    public static InputDType DType => InputDType.Float16;

    public static bool TryWrite(ref Utf8JsonReader reader, Span<byte> destination, int index)
    {
        Half value;
        if (reader.TokenType == JsonTokenType.Number)
        {
            if (!Half.TryParse(reader.ValueSpan, NumberStyles.Float, CultureInfo.InvariantCulture, out value)
                || !Half.IsFinite(value))
            {
                return false;
            }
        }
        else if (!NonFiniteNames.TryRead(ref reader, out var named))
        {
            return false;
        }
        else
        {
            value = (Half)named;
        }

        BinaryPrimitives.WriteHalfLittleEndian(destination[(index * 2)..], value);
        return true;
    }

    public static string Problem(ref Utf8JsonReader reader) => NonFiniteNames.Problem(ref reader, "float16");
}

internal readonly struct Int64Codec : IElementCodec
{
    public static InputDType DType => InputDType.Int64;

    public static bool TryWrite(ref Utf8JsonReader reader, Span<byte> destination, int index)
    {
        if (JsonIntegers.TryRead(ref reader, long.MinValue, long.MaxValue, out var value) != IntegerStatus.Ok)
        {
            return false;
        }

        BinaryPrimitives.WriteInt64LittleEndian(destination[(index * 8)..], value);
        return true;
    }

    public static string Problem(ref Utf8JsonReader reader) =>
        IntegerProblems.Describe(ref reader, long.MinValue, long.MaxValue, "int64");
}

internal readonly struct Int32Codec : IElementCodec
{
    public static InputDType DType => InputDType.Int32;

    public static bool TryWrite(ref Utf8JsonReader reader, Span<byte> destination, int index)
    {
        if (JsonIntegers.TryRead(ref reader, int.MinValue, int.MaxValue, out var value) != IntegerStatus.Ok)
        {
            return false;
        }

        BinaryPrimitives.WriteInt32LittleEndian(destination[(index * 4)..], (int)value);
        return true;
    }

    public static string Problem(ref Utf8JsonReader reader) =>
        IntegerProblems.Describe(ref reader, int.MinValue, int.MaxValue, "int32");
}

internal readonly struct UInt8Codec : IElementCodec
{
    public static InputDType DType => InputDType.UInt8;

    public static bool TryWrite(ref Utf8JsonReader reader, Span<byte> destination, int index)
    {
        if (JsonIntegers.TryRead(ref reader, byte.MinValue, byte.MaxValue, out var value) != IntegerStatus.Ok)
        {
            return false;
        }

        destination[index] = (byte)value;
        return true;
    }

    public static string Problem(ref Utf8JsonReader reader) =>
        IntegerProblems.Describe(ref reader, byte.MinValue, byte.MaxValue, "uint8");
}

/// <summary>bool: <c>true</c>/<c>false</c>, or the numbers 0 and 1 (as numpy writes them).</summary>
internal readonly struct BoolCodec : IElementCodec
{
    public static InputDType DType => InputDType.Bool;

    public static bool TryWrite(ref Utf8JsonReader reader, Span<byte> destination, int index)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                destination[index] = 1;
                return true;
            case JsonTokenType.False:
                destination[index] = 0;
                return true;
            default:
                if (JsonIntegers.TryRead(ref reader, 0, 1, out var value) != IntegerStatus.Ok)
                {
                    return false;
                }

                destination[index] = (byte)value;
                return true;
        }
    }

    public static string Problem(ref Utf8JsonReader reader) => "is not a bool (true, false, 0 or 1)";
}

internal static class NonFiniteNames
{
    public static bool TryRead(ref Utf8JsonReader reader, out double value)
    {
        value = 0;
        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        if (reader.ValueTextEquals("NaN"u8))
        {
            value = double.NaN;
        }
        else if (reader.ValueTextEquals("Infinity"u8))
        {
            value = double.PositiveInfinity;
        }
        else if (reader.ValueTextEquals("-Infinity"u8))
        {
            value = double.NegativeInfinity;
        }
        else
        {
            return false;
        }

        return true;
    }

    public static string Problem(ref Utf8JsonReader reader, string dtype) => reader.TokenType == JsonTokenType.Number
        ? $"is out of range for {dtype}"
        : "is not a number (the only strings allowed are \"NaN\", \"Infinity\" and \"-Infinity\")";
}

internal static class IntegerProblems
{
    public static string Describe(ref Utf8JsonReader reader, long min, long max, string dtype) =>
        JsonIntegers.TryRead(ref reader, min, max, out _) switch
        {
            IntegerStatus.NotNumber => $"is not a number ({dtype} values are integers)",
            IntegerStatus.NotInteger => $"is not an integer ({dtype} values are integers)",
            _ => string.Create(CultureInfo.InvariantCulture, $"is out of range for {dtype} ({min} to {max})"),
        };
}
