using System.Globalization;
using PullWorker.Emulator.Storage.Errors;
using PullWorker.Emulator.Storage.Http;
using PullWorker.Emulator.Storage.Store;
using PullWorker.Emulator.Storage.Uploads;

namespace PullWorker.Emulator.Storage.Endpoints;

/// <summary>
/// <c>uploadType=resumable</c>: a POST opens a session and answers with its URI in <c>Location</c>; PUTs
/// (or POSTs, as the Go client sends) to that URI send chunks (308 Resume Incomplete with
/// <c>Range: bytes=0-N</c> until the last one, then the object) or ask for the status; a DELETE cancels it
/// (499). Preconditions given at the start are enforced when the upload completes.
/// </summary>
internal sealed class ResumableUploads(StorageCatalog catalog, ResumableSessions sessions)
{
    private const int ResumeIncomplete = 308;
    private const int ClientClosedRequest = 499;

    public async Task StartAsync(HttpContext context, string bucket)
    {
        var request = context.Request;
        var metadata = StorageJson.ParseJson<ObjectMetadataRequest>(await request.ReadBodyAsync(context.RequestAborted));
        var name = request.OptionalString("name") ?? metadata?.Name ?? throw StorageException.Required("name");
        var conditions = request.ReadPreconditions();
        catalog.CheckUploadTarget(bucket, name);

        var template = new ObjectDraft(
            name,
            request.Headers["X-Upload-Content-Type"].FirstOrDefault() ?? metadata?.ContentType ?? ObjectDraft.DefaultContentType,
            metadata?.CustomMetadata() ?? new Dictionary<string, string>(),
            ReadOnlyMemory<byte>.Empty);
        var session = sessions.Start(bucket, template, conditions, DeclaredLength(request));

        var location = $"{request.BaseUrl()}/upload/storage/v1/b/{Uri.EscapeDataString(bucket)}/o"
            + $"?uploadType=resumable&name={Uri.EscapeDataString(name)}&upload_id={session.Id}";
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.Headers.Location = location;
        context.Response.Headers["X-GUploader-UploadID"] = session.Id;
        context.Response.ContentLength = 0;
    }

    public async Task PutAsync(HttpContext context, string bucket)
    {
        var request = context.Request;
        var session = Session(request, bucket);
        var range = ContentRange.Parse(request.Headers.ContentRange);
        var body = await request.ReadBodyAsync(context.RequestAborted);
        if (range.IsStatusQuery && !body.IsEmpty)
        {
            throw StorageException.Invalid("A status query (Content-Range: bytes */...) must have an empty body.");
        }

        var progress = session.Apply(catalog, range, body, ExpectedHashes(request));
        if (progress.Completed is { } entry)
        {
            await context.Response.WriteJsonAsync(
                StatusCodes.Status200OK, ObjectResource.From(entry, request.BaseUrl()), context.RequestAborted);
            return;
        }

        if (request.Headers["X-GUploader-No-308"] == "yes")
        {
            // Clients whose HTTP stack treats 308 as a redirect ask for it in a header instead.
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.Headers["X-HTTP-Status-Code-Override"] = "308";
        }
        else
        {
            context.Response.StatusCode = ResumeIncomplete;
        }

        context.Response.ContentLength = 0;
        if (progress.Persisted > 0)
        {
            // Absent when nothing is persisted yet, exactly as Google does; clients resume from 0 then.
            context.Response.Headers.Range = $"bytes=0-{(progress.Persisted - 1).ToString(CultureInfo.InvariantCulture)}";
        }
    }

    public Task CancelAsync(HttpContext context, string bucket)
    {
        var session = Session(context.Request, bucket);
        sessions.Cancel(session.Id);
        context.Response.StatusCode = ClientClosedRequest;
        context.Response.ContentLength = 0;
        return Task.CompletedTask;
    }

    private ResumableSession Session(HttpRequest request, string bucket)
    {
        var id = request.OptionalString("upload_id") ?? throw StorageException.Required("upload_id");
        var session = sessions.Find(id);
        return session.Bucket == bucket
            ? session
            : throw StorageException.Invalid($"Upload session {id} belongs to bucket {session.Bucket}, not {bucket}.");
    }

    private static long? DeclaredLength(HttpRequest request) =>
        request.Headers["X-Upload-Content-Length"].FirstOrDefault() is not { } text ? null
        : long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var length) ? length
        : throw StorageException.Invalid($"Invalid X-Upload-Content-Length: '{text}'.");

    /// <summary>The <c>x-goog-hash: crc32c=...,md5=...</c> a client may send with the final request.</summary>
    private static ClientHashes ExpectedHashes(HttpRequest request)
    {
        string? md5 = null, crc32c = null;
        foreach (var pair in request.Headers["x-goog-hash"].SelectMany(value =>
                     (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            var (kind, hash) = separator < 0 ? (pair, "") : (pair[..separator], pair[(separator + 1)..]);
            if (kind.Equals("md5", StringComparison.OrdinalIgnoreCase))
            {
                md5 = hash;
            }
            else if (kind.Equals("crc32c", StringComparison.OrdinalIgnoreCase))
            {
                crc32c = hash;
            }
        }

        return new ClientHashes(md5, crc32c);
    }
}
