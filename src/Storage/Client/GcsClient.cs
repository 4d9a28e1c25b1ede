using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PullWorker.Storage.Options;

namespace PullWorker.Storage.Client;

/// <summary>
/// The Cloud Storage JSON API over <see cref="HttpClient"/>: uploads (multipart, or resumable above
/// <see cref="StorageOptions.ResumableThreshold"/>), capped downloads, metadata and listing. Transient failures of
/// idempotent requests are retried by the HTTP pipeline that <c>AddGcsStorage</c> configures; whatever still fails
/// surfaces as a <see cref="GcsException"/>.
/// </summary>
public sealed class GcsClient
{
    /// <summary>The name of the <see cref="IHttpClientFactory"/> client this class uses.</summary>
    public const string HttpClientName = "PullWorker.Storage.Gcs";

    private const int DefaultPageSize = 1000;

    private static readonly Uri ProductionEndpoint = new("https://storage.googleapis.com/");

    private readonly GcsTransport _transport;
    private readonly ResumableUploader _resumable;
    private readonly long _resumableThreshold;

    public GcsClient(HttpClient httpClient, IOptions<StorageOptions> options, TimeProvider time, ILogger<GcsClient> logger)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        Endpoint = EndpointFor(settings);
        _transport = new GcsTransport(httpClient, Endpoint);
        _resumable = new ResumableUploader(_transport, settings, time, logger);
        _resumableThreshold = settings.ResumableThreshold;
    }

    /// <summary>Where requests go: Google, or the emulator named by <see cref="StorageOptions.EmulatorHost"/>.</summary>
    public Uri Endpoint { get; }

    public bool UsesEmulator => Endpoint != ProductionEndpoint;

    /// <summary>Creates or replaces <paramref name="destination"/> with <paramref name="content"/>.</summary>
    /// <remarks>The content is in memory because retries and resumed chunks must be able to send it again.</remarks>
    /// <exception cref="GcsException">The upload failed; <see cref="GcsException.IsPreconditionFailed"/> on 412.</exception>
    public async Task<GcsObject> UploadAsync(
        GcsUri destination, ReadOnlyMemory<byte> content, GcsUploadOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(options);
        if (destination.ObjectName.Length == 0)
        {
            throw new ArgumentException($"'{destination}' names no object", nameof(destination));
        }

        if (content.Length > 0 && content.Length >= _resumableThreshold)
        {
            return await _resumable.UploadAsync(destination, content, options, cancellationToken);
        }

        var operation = GcsOperation.Create(destination);
        using var request = new HttpRequestMessage(
            HttpMethod.Post, _transport.UploadUri(destination.Bucket, "?uploadType=multipart" + PreconditionQuery(options)))
        {
            Content = MultipartBody(destination, content, options),
        };
        using var response = await _transport.SendAsync(
            request, operation, idempotent: options.IfGenerationMatch.HasValue, cancellationToken);
        var resource = await _transport.ReadJsonAsync(response, GcsApiJsonContext.Default.ObjectResource, operation, cancellationToken);
        return resource.ToGcsObject();
    }

    /// <exception cref="GcsException"><see cref="GcsException.IsNotFound"/> when the object does not exist.</exception>
    public async Task<GcsObject> GetMetadataAsync(GcsUri uri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var operation = GcsOperation.Get(uri);
        using var request = new HttpRequestMessage(HttpMethod.Get, _transport.ObjectUri(uri));
        using var response = await _transport.SendAsync(request, operation, idempotent: true, cancellationToken);
        var resource = await _transport.ReadJsonAsync(response, GcsApiJsonContext.Default.ObjectResource, operation, cancellationToken);
        return resource.ToGcsObject();
    }

    /// <summary>Streams the object's bytes into memory, stopping as soon as they exceed <paramref name="maxBytes"/>.</summary>
    /// <param name="generation">Reads this generation only (so a metadata check and the read see the same object).</param>
    /// <exception cref="ObjectTooLargeException">The object is larger than <paramref name="maxBytes"/>.</exception>
    /// <exception cref="GcsException">The read failed; <see cref="GcsException.IsNotFound"/> when it does not exist.</exception>
    public async Task<ReadOnlyMemory<byte>> DownloadAsync(
        GcsUri uri, long maxBytes, long? generation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        var operation = GcsOperation.Get(uri);
        var query = generation is { } g ? string.Create(CultureInfo.InvariantCulture, $"?alt=media&generation={g}") : "?alt=media";
        using var request = new HttpRequestMessage(HttpMethod.Get, _transport.ObjectUri(uri, query));
        using var response = await _transport.SendAsync(
            request, operation, idempotent: true, cancellationToken, HttpCompletionOption.ResponseHeadersRead);
        var declared = response.Content.Headers.ContentLength;
        if (declared > maxBytes)
        {
            throw new ObjectTooLargeException(uri, declared, maxBytes);
        }

        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            return await ReadCappedAsync(body, uri, maxBytes, (int)(declared ?? 0), cancellationToken);
        }
        catch (Exception e) when (GcsTransport.IsTransportFailure(e, cancellationToken))
        {
            throw GcsTransport.Unreachable(operation, e);
        }
    }

    /// <summary>Every object whose name starts with <paramref name="prefix"/>, page by page.</summary>
    public IAsyncEnumerable<GcsObject> ListAsync(string bucket, string prefix, CancellationToken cancellationToken) =>
        ListAsync(bucket, prefix, DefaultPageSize, cancellationToken);

    /// <param name="pageSize">Objects per request (<c>maxResults</c>), 1-1000.</param>
    public async IAsyncEnumerable<GcsObject> ListAsync(
        string bucket, string prefix, int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, DefaultPageSize);
        if (GcsUri.BucketNameProblem(bucket) is { } problem)
        {
            throw new ArgumentException(problem, nameof(bucket));
        }

        var operation = GcsOperation.List(bucket, prefix);
        string? pageToken = null;
        do
        {
            var query = string.Create(CultureInfo.InvariantCulture, $"?prefix={Uri.EscapeDataString(prefix)}&maxResults={pageSize}")
                + (pageToken is null ? string.Empty : "&pageToken=" + Uri.EscapeDataString(pageToken));
            using var request = new HttpRequestMessage(HttpMethod.Get, _transport.ListUri(bucket, query));
            using var response = await _transport.SendAsync(request, operation, idempotent: true, cancellationToken);
            var page = await _transport.ReadJsonAsync(response, GcsApiJsonContext.Default.ObjectList, operation, cancellationToken);
            foreach (var item in page.Items ?? [])
            {
                yield return item.ToGcsObject();
            }

            pageToken = string.IsNullOrEmpty(page.NextPageToken) ? null : page.NextPageToken;
        }
        while (pageToken is not null);
    }

    /// <summary>Deletes the object; retried on transient failures only with a generation precondition.</summary>
    public async Task DeleteAsync(GcsUri uri, long? ifGenerationMatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var query = ifGenerationMatch is { } g ? string.Create(CultureInfo.InvariantCulture, $"?ifGenerationMatch={g}") : string.Empty;
        using var request = new HttpRequestMessage(HttpMethod.Delete, _transport.ObjectUri(uri, query));
        using var response = await _transport.SendAsync(
            request, GcsOperation.Delete(uri), idempotent: ifGenerationMatch.HasValue, cancellationToken);
    }

    internal static string PreconditionQuery(GcsUploadOptions options) => options.IfGenerationMatch is { } generation
        ? string.Create(CultureInfo.InvariantCulture, $"&ifGenerationMatch={generation}")
        : string.Empty;

    internal static JsonContent MetadataContent(GcsUri destination, GcsUploadOptions options) => JsonContent.Create(
        new ObjectInsertMetadata(destination.ObjectName, options.ContentType, options.Metadata),
        GcsApiJsonContext.Default.ObjectInsertMetadata,
        new MediaTypeHeaderValue("application/json") { CharSet = "UTF-8" });

    private static MultipartContent MultipartBody(GcsUri destination, ReadOnlyMemory<byte> content, GcsUploadOptions options)
    {
        var media = new ReadOnlyMemoryContent(content);
        media.Headers.ContentType = MediaTypeHeaderValue.Parse(options.ContentType);
        return new MultipartContent("related") { MetadataContent(destination, options), media };
    }

    private static async Task<ReadOnlyMemory<byte>> ReadCappedAsync(
        Stream body, GcsUri uri, long maxBytes, int expectedLength, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream(expectedLength);
        var chunk = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int read;
            while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    throw new ObjectTooLargeException(uri, size: null, maxBytes);
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    private static Uri EndpointFor(StorageOptions options)
    {
        if (string.IsNullOrEmpty(options.EmulatorHost))
        {
            return ProductionEndpoint;
        }

        return StorageOptionsValidator.TryParseEmulatorHost(options.EmulatorHost, out var emulator)
            ? emulator
            : throw new ArgumentException(
                $"{StorageOptions.SectionName}:{nameof(options.EmulatorHost)} must be an http(s)://host:port address, got '{options.EmulatorHost}'");
    }
}
