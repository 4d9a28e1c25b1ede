using System.Net;
using Google;

namespace PullWorker.Worker.Storage;

/// <summary>How a failed Cloud Storage call is told apart: the job's fault, or one that may pass by itself.</summary>
public static class StorageErrors
{
    public static bool IsNotFound(Exception exception) =>
        exception is GoogleApiException { HttpStatusCode: HttpStatusCode.NotFound };

    public static bool IsForbidden(Exception exception) =>
        exception is GoogleApiException { HttpStatusCode: HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized };

    /// <summary>408, 429, 5xx, a connection reset or an attempt that timed out: trying again may succeed.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        GoogleApiException { HttpStatusCode: var status } => IsTransientStatus(status),
        HttpRequestException or IOException or TimeoutException => true,
        _ => false,
    };

    private static bool IsTransientStatus(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;
}
