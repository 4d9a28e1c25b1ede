using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace PullWorker.Jobs.Results;

/// <summary>Floating-point values in JSON: shortest round-trip numbers, non-finite values as named strings.</summary>
internal static class JsonFloats
{
    public const string NaN = "NaN";
    public const string PositiveInfinity = "Infinity";
    public const string NegativeInfinity = "-Infinity";

    public static void Write(Utf8JsonWriter writer, float value)
    {
        if (float.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(NameOf(value));
        }
    }

    public static void Write(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(NameOf(value));
        }
    }

    // Utf8JsonWriter has no Half overload, and widening to float would print float's (longer) shortest form.
    public static void Write(Utf8JsonWriter writer, Half value)
    {
        if (!Half.IsFinite(value))
        {
            writer.WriteStringValue(NameOf((double)value));
            return;
        }

        Span<byte> buffer = stackalloc byte[32];
        var formatted = value.TryFormat(buffer, out var length, default, CultureInfo.InvariantCulture);
        Debug.Assert(formatted, "a Half always fits in 32 bytes");
        writer.WriteRawValue(buffer[..length], skipInputValidation: true);
    }

    // Each type parses its own text: going through double and narrowing could round twice.
    public static float ReadSingle(JsonElement element) =>
        element.ValueKind == JsonValueKind.Number ? element.GetSingle() : (float)ReadNamed(element);

    public static double ReadDouble(JsonElement element) =>
        element.ValueKind == JsonValueKind.Number ? element.GetDouble() : ReadNamed(element);

    public static Half ReadHalf(JsonElement element) =>
        element.ValueKind == JsonValueKind.Number
            ? Half.Parse(element.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture)
            : (Half)ReadNamed(element);

    private static double ReadNamed(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString() switch
        {
            NaN => double.NaN,
            PositiveInfinity => double.PositiveInfinity,
            NegativeInfinity => double.NegativeInfinity,
            var other => throw new JsonException(
                $"'{other}' is not a number; the only strings allowed are \"NaN\", \"Infinity\" and \"-Infinity\""),
        },
        var kind => throw new JsonException($"expected a number, got {kind}"),
    };

    private static string NameOf(double value) =>
        double.IsNaN(value) ? NaN : value > 0 ? PositiveInfinity : NegativeInfinity;
}
