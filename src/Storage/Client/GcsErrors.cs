using System.Globalization;
using System.Net;
using System.Text.Json;

namespace PullWorker.Storage.Client;

/// <summary>Turns a failed response into a <see cref="GcsException"/> whose message says what to fix.</summary>
internal static class GcsErrors
{
    private const int MaxBodyChars = 500;

    public static async Task<GcsException> FromResponseAsync(
        HttpResponseMessage response, GcsOperation operation, CancellationToken cancellationToken)
    {
        var status = response.StatusCode;
        var detail = await ReadDetailAsync(response, cancellationToken);
        var code = string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)status}{detail}");
        var message = status switch
        {
            HttpStatusCode.Forbidden =>
                $"Cloud Storage denied {operation.Permission} on bucket '{operation.Bucket}' ({code}); grant the "
                + "worker's service account a role with that permission on the bucket (roles/storage.objectUser has it)",
            HttpStatusCode.Unauthorized =>
                $"Cloud Storage rejected the credentials for {operation.Action} {operation.Target} ({code}); check "
                + "Application Default Credentials",
            HttpStatusCode.NotFound when operation.Permission == "storage.objects.list" =>
                $"bucket '{operation.Bucket}' does not exist ({code})",
            HttpStatusCode.NotFound => $"{operation.Target} does not exist ({code})",
            HttpStatusCode.PreconditionFailed =>
                $"{operation.Target} already exists or has changed: the generation precondition failed ({code})",
            _ => $"Cloud Storage {operation.Action} {operation.Target} failed ({code})",
        };
        return new GcsException(message, status, IsTransient(status));
    }

    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static async Task<string> ReadDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(body))
        {
            return string.Empty;
        }

        try
        {
            var error = JsonSerializer.Deserialize(body, GcsApiJsonContext.Default.ErrorResponse);
            if (error?.Error?.Message is { Length: > 0 } text)
            {
                return ": " + text;
            }
        }
        catch (JsonException)
        {
            // Not Google's JSON error shape (a proxy's HTML page, say): quote the start of the body instead.
        }

        return ": " + (body.Length > MaxBodyChars ? body[..MaxBodyChars] + "..." : body).ReplaceLineEndings(" ");
    }
}
