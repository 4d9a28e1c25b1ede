using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using PullWorker.Emulator.Storage.Errors;
using PullWorker.Emulator.Storage.Http;
using PullWorker.Emulator.Storage.Store;

namespace PullWorker.Emulator.Storage.Endpoints;

/// <summary>Single-request uploads: <c>uploadType=media</c> (bytes only) and <c>uploadType=multipart</c>
/// (a <c>multipart/related</c> body: the JSON resource, then the bytes).</summary>
internal sealed class SimpleUploads(StorageCatalog catalog)
{
    public async Task MediaAsync(HttpContext context, string bucket)
    {
        var request = context.Request;
        var name = request.OptionalString("name") ?? throw StorageException.Required("name");
        var data = await request.ReadBodyAsync(context.RequestAborted);
        var draft = new ObjectDraft(
            name, request.ContentType ?? ObjectDraft.DefaultContentType, new Dictionary<string, string>(), data);
        await WriteAsync(context, bucket, draft);
    }

    public async Task MultipartAsync(HttpContext context, string bucket)
    {
        var request = context.Request;
        var reader = new MultipartReader(Boundary(request.ContentType), request.Body);
        var metadataPart = await reader.ReadNextSectionAsync(context.RequestAborted)
            ?? throw StorageException.Invalid("Multipart upload has no parts; expected metadata, then media.");
        var metadata = StorageJson.ParseJson<ObjectMetadataRequest>(await ReadAllAsync(metadataPart, context.RequestAborted));
        var mediaPart = await reader.ReadNextSectionAsync(context.RequestAborted)
            ?? throw StorageException.Invalid("Multipart upload has only one part; expected metadata, then media.");
        var data = await ReadAllAsync(mediaPart, context.RequestAborted);

        var name = request.OptionalString("name") ?? metadata?.Name ?? throw StorageException.Required("name");
        var draft = new ObjectDraft(
            name,
            metadata?.ContentType ?? mediaPart.ContentType ?? ObjectDraft.DefaultContentType,
            metadata?.CustomMetadata() ?? new Dictionary<string, string>(),
            data)
        {
            Expected = new ClientHashes(metadata?.Md5Hash, metadata?.Crc32c),
        };
        await WriteAsync(context, bucket, draft);
    }

    private async Task WriteAsync(HttpContext context, string bucket, ObjectDraft draft)
    {
        var entry = catalog.Write(bucket, draft, context.Request.ReadPreconditions());
        await context.Response.WriteJsonAsync(
            StatusCodes.Status200OK, ObjectResource.From(entry, context.Request.BaseUrl()), context.RequestAborted);
    }

    private static string Boundary(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/related", StringComparison.OrdinalIgnoreCase))
        {
            throw StorageException.Invalid(
                $"Multipart upload needs Content-Type multipart/related with a boundary, got '{contentType}'.");
        }

        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        return string.IsNullOrEmpty(boundary)
            ? throw StorageException.Invalid("Multipart upload Content-Type has no boundary.")
            : boundary;
    }

    private static async Task<ReadOnlyMemory<byte>> ReadAllAsync(MultipartSection section, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await section.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }
}
