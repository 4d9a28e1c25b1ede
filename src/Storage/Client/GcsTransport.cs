using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Polly.Timeout;
using PullWorker.Storage.Http;

namespace PullWorker.Storage.Client;

/// <summary>
/// Sends one JSON API request through the resilient <see cref="HttpClient"/> and turns every failure into a
/// <see cref="GcsException"/>; the public client and the resumable uploader share it.
/// </summary>
internal sealed class GcsTransport(HttpClient http, Uri baseUri)
{
    public Uri ObjectUri(GcsUri uri, string query = "") =>
        new(baseUri, $"storage/v1/b/{uri.Bucket}/o/{Uri.EscapeDataString(uri.ObjectName)}{query}");

    public Uri ListUri(string bucket, string query) => new(baseUri, $"storage/v1/b/{bucket}/o{query}");

    public Uri UploadUri(string bucket, string query) => new(baseUri, $"upload/storage/v1/b/{bucket}/o{query}");

    /// <summary>Relative session URIs (emulators) resolve against the endpoint; Google's are absolute.</summary>
    public Uri Resolve(Uri location) => location.IsAbsoluteUri ? location : new Uri(baseUri, location);

    /// <param name="idempotent">Whether the HTTP pipeline may retry the request on a transient failure.</param>
    /// <param name="isExpected">Statuses besides 2xx that the caller handles (308 for resumable chunks).</param>
    public async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request,
        GcsOperation operation,
        bool idempotent,
        CancellationToken cancellationToken,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead,
        Func<HttpStatusCode, bool>? isExpected = null)
    {
        request.Options.Set(GcsRequestOptions.Idempotent, idempotent);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, completion, cancellationToken);
        }
        catch (Exception e) when (IsTransportFailure(e, cancellationToken))
        {
            throw Unreachable(operation, e);
        }

        if (response.IsSuccessStatusCode || isExpected?.Invoke(response.StatusCode) == true)
        {
            return response;
        }

        using (response)
        {
            throw await GcsErrors.FromResponseAsync(response, operation, cancellationToken);
        }
    }

    public async Task<T> ReadJsonAsync<T>(
        HttpResponseMessage response, JsonTypeInfo<T> typeInfo, GcsOperation operation, CancellationToken cancellationToken)
    {
        try
        {
            var value = await response.Content.ReadFromJsonAsync(typeInfo, cancellationToken);
            return value ?? throw new GcsException($"Cloud Storage returned an empty body for {operation.Action} {operation.Target}");
        }
        catch (JsonException e)
        {
            throw new GcsException($"Cloud Storage returned malformed JSON for {operation.Action} {operation.Target}: {e.Message}", e);
        }
        catch (Exception e) when (IsTransportFailure(e, cancellationToken))
        {
            throw Unreachable(operation, e);
        }
    }

    /// <summary>A connection reset, a timeout or a broken body: worth another try later, not the caller's fault.</summary>
    public static bool IsTransportFailure(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        HttpRequestException or TimeoutRejectedException or IOException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    public static GcsException Unreachable(GcsOperation operation, Exception exception) => new(
        $"Cloud Storage {operation.Action} {operation.Target} failed without a response: {exception.Message}",
        statusCode: null,
        isTransient: true,
        exception);
}
