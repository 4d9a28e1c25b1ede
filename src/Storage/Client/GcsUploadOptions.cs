namespace PullWorker.Storage.Client;

/// <summary>How an object is created.</summary>
public sealed record GcsUploadOptions
{
    public string ContentType { get; init; } = "application/octet-stream";

    /// <summary>Custom metadata (<c>x-goog-meta-*</c>).</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>
    /// <c>ifGenerationMatch</c>: 0 creates only when no live object exists. With a precondition the upload is
    /// idempotent, so transient failures are retried; without one it is sent once.
    /// </summary>
    public long? IfGenerationMatch { get; init; }
}
