using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Google;
using Google.Cloud.Storage.V1;
using PullWorker.Jobs;
using PullWorker.Worker.Storage;

namespace PullWorker.Worker.ResultStorage;

/// <summary>
/// A create-only upload (<c>ifGenerationMatch=0</c>) in one <c>uploadType=multipart</c> request, sent through the
/// client's own authenticated <see cref="StorageClient.Service"/> HTTP client (same credentials, endpoint and user
/// agent as every other call). <see cref="StorageClient.UploadObjectAsync(string, string, string, Stream, UploadObjectOptions, CancellationToken, IProgress{Google.Apis.Upload.IUploadProgress})"/>
/// is always resumable, two requests per object, which for a result of a few hundred bytes costs about twice the
/// CPU and latency (docs/benchmarks/report.md, "Result writes").
/// </summary>
/// <remarks>
/// Because the write is create-only, retrying it after 408, 429, 5xx or a timeout is safe (an earlier attempt that
/// did land answers 412): bounded by <see cref="TransientRetry"/>, then the failure propagates and the caller nacks.
/// At most <see cref="StorageOptions.WriteConcurrency"/> uploads are in flight; the rest wait.
/// </remarks>
public sealed class MultipartCreate : IDisposable
{
    private readonly StorageClient _client;
    private readonly string _uploadBase;
    private readonly TransientRetry _retry;
    private readonly SemaphoreSlim _inFlight;

    public MultipartCreate(StorageClient client, StorageOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        // Uploads live at /upload/storage/v1/ on the JSON API's host, whatever path its BaseUri has (as in the client).
        _uploadBase = new Uri(client.Service.BaseUri).GetLeftPart(UriPartial.Authority) + "/upload/storage/v1/";
        _retry = new TransientRetry(options, time);
        _inFlight = new SemaphoreSlim(options.WriteConcurrency);
    }

    /// <summary>Creates <paramref name="destination"/> unless it exists, retrying transient failures.</summary>
    /// <returns>False when the object already existed (412); it was left untouched.</returns>
    /// <exception cref="GoogleApiException">The write failed for good (after retries): do not ack.</exception>
    public async Task<bool> CreateAsync(
        GcsUri destination,
        ReadOnlyMemory<byte> content,
        string contentType,
        IReadOnlyDictionary<string, string> metadata,
        CancellationToken cancellationToken)
    {
        await _inFlight.WaitAsync(cancellationToken);
        try
        {
            return await _retry.RunAsync(token => TryCreateAsync(destination, content, contentType, metadata, token), cancellationToken);
        }
        finally
        {
            _inFlight.Release();
        }
    }

    public void Dispose() => _inFlight.Dispose();

    /// <summary>One attempt: creates <paramref name="destination"/> unless it exists.</summary>
    /// <returns>False when the object already existed (412); it was left untouched.</returns>
    /// <exception cref="GoogleApiException">Cloud Storage refused the request with another status.</exception>
    private async Task<bool> TryCreateAsync(
        GcsUri destination,
        ReadOnlyMemory<byte> content,
        string contentType,
        IReadOnlyDictionary<string, string> metadata,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(metadata);
        var uri = $"{_uploadBase}b/{Uri.EscapeDataString(destination.Bucket)}/o?uploadType=multipart&ifGenerationMatch=0";
        var media = new ReadOnlyMemoryContent(content);
        media.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var body = new ByteArrayContent(MetadataJson(destination.ObjectName, contentType, metadata));
        body.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "UTF-8" };
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new MultipartContent("related") { body, media } };
        using var response = await _client.Service.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return true;
        }

        if (response.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            return false;
        }

        var error = await response.Content.ReadAsStringAsync(cancellationToken);
        throw new GoogleApiException("storage", $"creating {destination} failed: {(int)response.StatusCode} {Truncated(error)}")
        {
            HttpStatusCode = response.StatusCode,
        };
    }

    private static byte[] MetadataJson(string name, string contentType, IReadOnlyDictionary<string, string> metadata)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("contentType", contentType);
            json.WriteStartObject("metadata");
            foreach (var (key, value) in metadata)
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static string Truncated(string text) => text.Length <= 500 ? text : text[..500] + "...";
}
