using System.Net;

namespace PullWorker.Storage.Client;

/// <summary>
/// A Cloud Storage request failed. The message says what to fix (the permission to grant, the object that is
/// missing). <see cref="IsTransient"/> tells a failure that may pass by itself (5xx, 429, timeouts, resets; already
/// retried) from one that will not.
/// </summary>
public class GcsException : Exception
{
    public GcsException()
    {
    }

    public GcsException(string message)
        : base(message)
    {
    }

    public GcsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public GcsException(string message, HttpStatusCode? statusCode, bool isTransient, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        IsTransient = isTransient;
    }

    /// <summary>The HTTP status, or null when no response arrived (timeout, connection reset).</summary>
    public HttpStatusCode? StatusCode { get; }

    public bool IsTransient { get; }

    /// <summary>An <c>ifGenerationMatch</c> precondition failed (412): the object exists or changed.</summary>
    public bool IsPreconditionFailed => StatusCode == HttpStatusCode.PreconditionFailed;

    public bool IsNotFound => StatusCode == HttpStatusCode.NotFound;
}
