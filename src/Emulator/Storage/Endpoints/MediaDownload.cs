using System.Globalization;
using Microsoft.Net.Http.Headers;
using PullWorker.Emulator.Storage.Errors;
using PullWorker.Emulator.Storage.Http;
using PullWorker.Emulator.Storage.Store;

namespace PullWorker.Emulator.Storage.Endpoints;

/// <summary>
/// <c>alt=media</c> downloads, whole or one byte range (206 with Content-Range). The <c>x-goog-hash</c> (whole
/// downloads only) and <c>x-goog-stored-content-encoding</c> headers let clients verify downloads as with Google.
/// </summary>
internal sealed class MediaDownload(StorageCatalog catalog)
{
    public async Task DownloadAsync(HttpContext context, string bucket, string name)
    {
        var request = context.Request;
        var (entry, data) = catalog.ReadObject(
            bucket, name, request.OptionalLong("generation"), request.ReadPreconditions());
        var response = context.Response;
        var headers = response.Headers;
        headers.ContentType = entry.ContentType;
        headers.AcceptRanges = "bytes";
        headers.ETag = $"\"{ObjectResource.EtagOf(entry)}\"";
        headers.LastModified = entry.Updated.ToString("R", CultureInfo.InvariantCulture);
        headers["x-goog-generation"] = entry.Generation.ToString(CultureInfo.InvariantCulture);
        headers["x-goog-metageneration"] = entry.Metageneration.ToString(CultureInfo.InvariantCulture);
        headers["x-goog-stored-content-length"] = entry.Size.ToString(CultureInfo.InvariantCulture);
        headers["x-goog-stored-content-encoding"] = "identity";
        if (RequestedRange(request, data.Length) is not (var start, var end))
        {
            // Whole downloads only: Google's clients hash what they receive and compare it with this header, so on
            // a range it would fail every read.
            headers["x-goog-hash"] = $"crc32c={entry.Crc32c},md5={entry.Md5Hash}";
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentLength = data.Length;
            await response.Body.WriteAsync(data, context.RequestAborted);
            return;
        }

        response.StatusCode = StatusCodes.Status206PartialContent;
        headers.ContentRange = new ContentRangeHeaderValue(start, end, data.Length).ToString();
        response.ContentLength = end - start + 1;
        await response.Body.WriteAsync(data[(int)start..(int)(end + 1)], context.RequestAborted);
    }

    /// <summary>
    /// The single byte range asked for, clipped to the object; null for a whole download. Headers this
    /// does not understand (other units, several ranges) are ignored, as HTTP allows.
    /// </summary>
    /// <exception cref="StorageException">416 when the range starts past the end.</exception>
    private static (long Start, long End)? RequestedRange(HttpRequest request, long size)
    {
        var header = request.GetTypedHeaders().Range;
        if (header is null || !header.Unit.Equals("bytes", StringComparison.OrdinalIgnoreCase) || header.Ranges.Count != 1)
        {
            return null;
        }

        var range = header.Ranges.Single();
        (long Start, long End) clipped = range.From is { } from
            ? (from, Math.Min(range.To ?? long.MaxValue, size - 1))
            : (Math.Max(0, size - range.To!.Value), size - 1);
        if (clipped.Start >= size || (range.From is null && range.To == 0))
        {
            request.HttpContext.Response.Headers.ContentRange = $"bytes */{size}";
            throw new StorageException(
                StatusCodes.Status416RangeNotSatisfiable, "requestedRangeNotSatisfiable",
                $"Request range not satisfiable: the object has {size} bytes.");
        }

        return clipped;
    }
}
