using System.Globalization;
using PullWorker.Emulator.Storage.Errors;
using PullWorker.Emulator.Storage.Store;

namespace PullWorker.Emulator.Storage.Uploads;

/// <summary>What a resumable upload request achieved: the finished object, or how many bytes are kept.</summary>
internal sealed record UploadProgress(ObjectEntry? Completed, long Persisted);

/// <summary>
/// One resumable upload: the bytes received so far and, once complete, the object it produced. Like
/// Google, it keeps only whole 256 KiB blocks of a chunk that does not finish the upload, and reports
/// what it kept so the client resends the rest. A request that fails before reaching here (an injected
/// fault, a dropped connection) leaves the session exactly as it was.
/// </summary>
internal sealed class ResumableSession(
    string id, string bucket, ObjectDraft template, Preconditions conditions, long? declaredLength, DateTimeOffset startedAt)
{
    public const int BlockSize = 256 * 1024;

    private readonly Lock _gate = new();
    private MemoryStream? _received = new();
    private ObjectEntry? _completed;
    private StorageException? _failure;

    public string Id { get; } = id;

    public string Bucket { get; } = bucket;

    public DateTimeOffset StartedAt { get; } = startedAt;

    /// <summary>Applies one PUT: a chunk, the rest of the object, or a status query.</summary>
    /// <param name="expected">Hashes from <c>x-goog-hash</c>, checked if this request completes the upload.</param>
    /// <exception cref="StorageException">400 for a chunk that does not fit; the error that ended the session.</exception>
    public UploadProgress Apply(StorageCatalog catalog, ContentRange range, ReadOnlyMemory<byte> body, ClientHashes expected)
    {
        lock (_gate)
        {
            if (_failure is not null)
            {
                throw _failure;
            }

            if (_completed is not null)
            {
                return new UploadProgress(_completed, _completed.Size);
            }

            var received = _received!;
            var total = range.IsStatusQuery ? range.Total : Append(received, range, body);
            if (total is { } size && received.Length > size)
            {
                throw StorageException.Invalid(
                    $"Upload has {Bytes(received.Length)} but the declared total is {Bytes(size)}.");
            }

            if (total == received.Length)
            {
                return new UploadProgress(Complete(catalog, expected), received.Length);
            }

            received.SetLength(received.Length / BlockSize * BlockSize);
            return new UploadProgress(null, received.Length);
        }
    }

    /// <summary>Adds the new part of a chunk (a resent overlap is skipped) and returns the object's total size if known.</summary>
    private long? Append(MemoryStream received, ContentRange range, ReadOnlyMemory<byte> body)
    {
        var first = range.First!.Value;
        if (range.Last is { } last && last - first + 1 != body.Length)
        {
            throw StorageException.Invalid(
                $"Content-Range bytes {first}-{last} is {Bytes(last - first + 1)} but the request body has {Bytes(body.Length)}.");
        }

        if (first > received.Length)
        {
            // Google answers a gap with a retryable 503; the client then queries the status and resumes.
            throw new StorageException(503, "backendError",
                $"Content-Range starts at byte {first}, past the {Bytes(received.Length)} persisted so far; "
                + "query the upload status and resume from there.");
        }

        var overlap = (int)Math.Min(received.Length - first, body.Length);
        received.Position = received.Length;
        received.Write(body.Span[overlap..]);

        var total = range.Total ?? (range.IsRest ? first + body.Length : declaredLength);
        if (declaredLength is { } declared && total is { } actual && declared != actual)
        {
            throw StorageException.Invalid(
                $"Upload total of {Bytes(actual)} differs from X-Upload-Content-Length {Bytes(declared)}.");
        }

        return total;
    }

    private ObjectEntry Complete(StorageCatalog catalog, ClientHashes expected)
    {
        var draft = template with
        {
            Data = _received!.GetBuffer().AsMemory(0, (int)_received.Length),
            Expected = expected,
        };
        try
        {
            _completed = catalog.Write(Bucket, draft, conditions);
            return _completed;
        }
        catch (StorageException e)
        {
            // Google ends a session whose final write is refused; every later request gets the same answer.
            _failure = e;
            throw;
        }
        finally
        {
            _received = null;
        }
    }

    private static string Bytes(long count) => $"{count.ToString(CultureInfo.InvariantCulture)} bytes";
}
