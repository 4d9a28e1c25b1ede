using System.Text.Json;
using System.Text.Json.Serialization;
using PullWorker.Emulator.Storage.Errors;

namespace PullWorker.Emulator.Storage.Http;

/// <summary>Reading and writing the JSON API's bodies.</summary>
internal static class StorageJson
{
    public const string ContentType = "application/json; charset=UTF-8";

    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static async Task WriteJsonAsync<T>(this HttpResponse response, int status, T body, CancellationToken cancellationToken)
    {
        response.StatusCode = status;
        response.ContentType = ContentType;
        await JsonSerializer.SerializeAsync(response.Body, body, Options, cancellationToken);
    }

    public static Task WriteErrorAsync(this HttpResponse response, int status, string reason, string message,
        CancellationToken cancellationToken)
    {
        if (status == StatusCodes.Status304NotModified)
        {
            // A 304 carries no body.
            response.StatusCode = status;
            return Task.CompletedTask;
        }

        return response.WriteJsonAsync(status, GoogleErrorBody.For(status, reason, message), cancellationToken);
    }

    /// <summary>Deserialises a JSON body; null when the body is empty.</summary>
    /// <exception cref="StorageException">400 when the body is not the JSON expected.</exception>
    public static T? ParseJson<T>(ReadOnlyMemory<byte> body)
        where T : class
    {
        if (body.IsEmpty)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(body.Span, Options);
        }
        catch (JsonException e)
        {
            throw StorageException.Invalid($"Invalid JSON payload: {e.Message}");
        }
    }
}
