using System.Text.Json;
using System.Text.Json.Serialization;

namespace PullWorker.Jobs;

/// <summary>Writes a <see cref="JobId"/> as its string; reading validates it like <see cref="JobId.Parse"/>.</summary>
public sealed class JobIdJsonConverter : JsonConverter<JobId>
{
    public override JobId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"a job id must be a JSON string, got {reader.TokenType}");
        }

        return JobId.TryParse(reader.GetString(), out var id, out var error) ? id : throw new JsonException(error);
    }

    public override void Write(Utf8JsonWriter writer, JobId value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStringValue(value.Value);
    }
}
