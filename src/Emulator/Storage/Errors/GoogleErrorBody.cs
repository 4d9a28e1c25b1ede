using System.Text.Json.Serialization;

namespace PullWorker.Emulator.Storage.Errors;

/// <summary>The error envelope every Google JSON API returns; clients read <c>error.code</c> and the reasons.</summary>
internal sealed record GoogleErrorBody([property: JsonPropertyName("error")] GoogleError Error)
{
    public static GoogleErrorBody For(int status, string reason, string message) =>
        new(new GoogleError(status, message, [new GoogleErrorItem("global", reason, message)]));
}

internal sealed record GoogleError(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("errors")] IReadOnlyList<GoogleErrorItem> Errors);

internal sealed record GoogleErrorItem(
    [property: JsonPropertyName("domain")] string Domain,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("message")] string Message);
