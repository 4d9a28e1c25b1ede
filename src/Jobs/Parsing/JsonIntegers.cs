using System.Text.Json;

namespace PullWorker.Jobs.Parsing;

internal enum IntegerStatus
{
    Ok,
    NotNumber,
    NotInteger,
    OutOfRange,
}

/// <summary>Reads JSON numbers that must be integers: <c>3</c>, and also <c>3.0</c> or <c>3e2</c>, which are integral.</summary>
internal static class JsonIntegers
{
    public static IntegerStatus TryRead(ref Utf8JsonReader reader, long min, long max, out long value)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            value = 0;
            return IntegerStatus.NotNumber;
        }

        if (reader.TryGetInt64(out value))
        {
            return value >= min && value <= max ? IntegerStatus.Ok : IntegerStatus.OutOfRange;
        }

        // Slow path, only for a fraction, an exponent or a magnitude beyond 64 bits. decimal holds every long
        // exactly, so an integral value in range is read without rounding.
        if (reader.TryGetDouble(out var approximate) && approximate != Math.Floor(approximate))
        {
            return IntegerStatus.NotInteger;
        }

        if (!reader.TryGetDecimal(out var exact))
        {
            return IntegerStatus.OutOfRange;
        }

        if (exact != decimal.Truncate(exact))
        {
            return IntegerStatus.NotInteger;
        }

        if (exact < min || exact > max)
        {
            return IntegerStatus.OutOfRange;
        }

        value = (long)exact;
        return IntegerStatus.Ok;
    }

    /// <summary>Whether the current number token is negative (for telling a negative dim from an oversized one).</summary>
    public static bool IsNegative(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number && reader.ValueSpan.Length > 0 && reader.ValueSpan[0] == (byte)'-';
}
