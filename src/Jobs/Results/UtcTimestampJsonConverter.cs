using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PullWorker.Jobs.Results;

/// <summary>
/// ISO-8601 in UTC with exactly three fractional digits and <c>Z</c> (<c>2026-11-22T10:00:00.123Z</c>), the form
/// Pub/Sub's publish times take and the one every JSON consumer parses. Sub-millisecond digits are truncated.
/// </summary>
public sealed class UtcTimestampJsonConverter : JsonConverter<DateTimeOffset>
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String
            ? reader.GetString()!
            : throw new JsonException($"a timestamp must be a JSON string, got {reader.TokenType}");
        return DateTimeOffset.TryParse(
            text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : throw new JsonException($"'{text}' is not an ISO-8601 timestamp");
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> buffer = stackalloc byte[Format.Length];
        var written = value.UtcDateTime.TryFormat(buffer, out var length, Format, CultureInfo.InvariantCulture);
        Debug.Assert(written, "the fixed format always fits");
        writer.WriteStringValue(buffer[..length]);
    }
}
