using System.Text.Json;

namespace PullWorker.Jobs.Parsing;

/// <summary>Reads an input's <c>image</c> object: exactly one of <c>uri</c> and <c>b64</c>.</summary>
internal static class ImageFieldReader
{
    public static ImageInput Read(ref Utf8JsonReader reader, string inputName)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Fault(JobErrorCode.InvalidJson, inputName, $"'image' must be an object with 'uri' or 'b64', got {JobText.Kind(reader.TokenType)}");
        }

        string? uri = null;
        byte[]? encoded = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("uri"u8))
            {
                EnsureFirst(uri is not null, inputName, "uri");
                reader.Read();
                uri = reader.TokenType == JsonTokenType.String
                    ? JobText.GetString(ref reader, $"input '{inputName}': image 'uri'")
                    : throw Fault(JobErrorCode.InvalidJson, inputName, $"image 'uri' must be a string, got {JobText.Kind(reader.TokenType)}");
            }
            else if (reader.ValueTextEquals("b64"u8))
            {
                EnsureFirst(encoded is not null, inputName, "b64");
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    throw Fault(JobErrorCode.InvalidJson, inputName, $"image 'b64' must be a base64 string, got {JobText.Kind(reader.TokenType)}");
                }

                encoded = reader.TryGetBytesFromBase64(out var bytes)
                    ? bytes
                    : throw Fault(JobErrorCode.DecodeFailed, inputName, "image 'b64' is not valid base64");
            }
            else
            {
                throw Fault(
                    JobErrorCode.InvalidJson,
                    inputName,
                    $"unknown image field '{JobText.Echo(JobText.GetString(ref reader, "a field name"))}'; 'image' has 'uri' or 'b64'");
            }
        }

        return (uri, encoded) switch
        {
            (not null, null) => ImageInput.FromUri(uri),
            (null, not null) => ImageInput.FromBytes(encoded),
            (null, null) => throw Fault(JobErrorCode.InvalidJson, inputName, "'image' needs 'uri' or 'b64'"),
            _ => throw Fault(JobErrorCode.InvalidJson, inputName, "'image' takes 'uri' or 'b64', not both"),
        };
    }

    private static void EnsureFirst(bool seen, string inputName, string field)
    {
        if (seen)
        {
            throw Fault(JobErrorCode.InvalidJson, inputName, $"image '{field}' appears twice");
        }
    }

    private static JobContentException Fault(JobErrorCode code, string inputName, string problem) =>
        new(code, $"input '{inputName}': {problem}");
}
