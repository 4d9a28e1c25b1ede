using PullWorker.Jobs;
using System.Globalization;

namespace PullWorker.Worker.Storage;

/// <summary>An object is larger than the caller's size cap; the download was stopped.</summary>
public sealed class ObjectTooLargeException : Exception
{
    public ObjectTooLargeException()
    {
    }

    public ObjectTooLargeException(string message)
        : base(message)
    {
    }

    public ObjectTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <param name="size">The object's size when known, else null (the cap was crossed while streaming).</param>
    public ObjectTooLargeException(GcsUri uri, long? size, long limit)
        : base(Describe(uri, size, limit))
    {
        Size = size;
        Limit = limit;
    }

    public long? Size { get; }

    public long Limit { get; }

    private static string Describe(GcsUri uri, long? size, long limit) => size is { } known
        ? string.Create(CultureInfo.InvariantCulture, $"{uri} is {known} bytes; the limit is {limit}")
        : string.Create(CultureInfo.InvariantCulture, $"{uri} is larger than the limit of {limit} bytes");
}
