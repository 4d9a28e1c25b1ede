namespace PullWorker.Storage.Http;

/// <summary>Per-request flags the HTTP pipeline reads.</summary>
internal static class GcsRequestOptions
{
    /// <summary>
    /// Set on requests that may be repeated without changing the outcome (GET, list, uploads and deletes with a
    /// generation precondition). Only these are retried; Google's retry guidance forbids retrying the others.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> Idempotent = new("PullWorker.Storage.Idempotent");

    public static bool IsIdempotent(HttpRequestMessage? request) =>
        request is not null && request.Options.TryGetValue(Idempotent, out var idempotent) && idempotent;
}
