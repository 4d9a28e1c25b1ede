using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using PullWorker.Storage.Options;

namespace PullWorker.Storage.Client;

/// <summary>
/// Resumable uploads: one session, then chunks of <see cref="StorageOptions.ChunkSize"/>. A chunk PUT is not
/// repeated blindly: after a failed chunk the next attempt first asks the session how many bytes it persisted
/// (<c>Content-Range: bytes */total</c>) and continues from there, as Google's resumable protocol prescribes.
/// </summary>
internal sealed partial class ResumableUploader
{
    private static readonly HttpMethod Put = HttpMethod.Put;

    private readonly GcsTransport _transport;
    private readonly int _chunkSize;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _chunkRetry;

    public ResumableUploader(GcsTransport transport, StorageOptions options, TimeProvider time, ILogger logger)
    {
        _transport = transport;
        _chunkSize = options.ChunkSize;
        _logger = logger;
        // Polly refuses zero attempts; zero here means "no retries".
        _chunkRetry = options.RetryAttempts == 0
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder { TimeProvider = time }
                .AddRetry(new RetryStrategyOptions
                {
                    ShouldHandle = new PredicateBuilder().Handle<GcsException>(e => e.IsTransient),
                    MaxRetryAttempts = options.RetryAttempts,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = options.RetryBaseDelay,
                    MaxDelay = options.RetryMaxDelay,
                })
                .Build();
    }

    public async Task<GcsObject> UploadAsync(
        GcsUri destination, ReadOnlyMemory<byte> content, GcsUploadOptions options, CancellationToken cancellationToken)
    {
        var operation = GcsOperation.Create(destination);
        var session = new Session(await StartAsync(destination, content.Length, options, operation, cancellationToken));
        while (true)
        {
            var completed = await _chunkRetry.ExecuteAsync(
                (state, token) => SendNextChunkAsync(state.Session, state.Content, state.Operation, token),
                (Session: session, Content: content, Operation: operation),
                cancellationToken);
            if (completed is not null)
            {
                return completed;
            }
        }
    }

    // Starting a session creates no object, so it is safe to retry whatever the preconditions.
    private async Task<Uri> StartAsync(
        GcsUri destination, long length, GcsUploadOptions options, GcsOperation operation, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(
            HttpMethod.Post,
            _transport.UploadUri(destination.Bucket, "?uploadType=resumable" + GcsClient.PreconditionQuery(options)))
        {
            Content = GcsClient.MetadataContent(destination, options),
        };
        request.Headers.Add("X-Upload-Content-Type", options.ContentType);
        request.Headers.Add("X-Upload-Content-Length", length.ToString(CultureInfo.InvariantCulture));
        using var response = await _transport.SendAsync(request, operation, idempotent: true, cancellationToken);
        var location = response.Headers.Location
            ?? throw new GcsException($"Cloud Storage started a resumable upload of {destination} without a session URI");
        return _transport.Resolve(location);
    }

    /// <returns>The object once the last chunk is in, else null.</returns>
    private async ValueTask<GcsObject?> SendNextChunkAsync(
        Session session, ReadOnlyMemory<byte> content, GcsOperation operation, CancellationToken cancellationToken)
    {
        if (session.Interrupted)
        {
            var (persisted, completed) = await QueryAsync(session.Uri, content.Length, operation, cancellationToken);
            if (completed is not null)
            {
                return completed;
            }

            LogResuming(operation.Target, persisted, session.Offset);
            session.Offset = persisted;
        }

        var end = Math.Min(session.Offset + _chunkSize, content.Length);
        using var request = new HttpRequestMessage(Put, session.Uri)
        {
            Content = new ReadOnlyMemoryContent(content[(int)session.Offset..(int)end]),
        };
        request.Content.Headers.ContentRange = new ContentRangeHeaderValue(session.Offset, end - 1, content.Length);

        // Until this chunk's response arrives nobody knows how much of it the server kept.
        session.Interrupted = true;
        var (offset, done) = await SendAsync(request, operation, idempotent: false, cancellationToken);
        session.Interrupted = false;
        session.Offset = offset;
        return done;
    }

    private async Task<(long Persisted, GcsObject? Completed)> QueryAsync(
        Uri sessionUri, long length, GcsOperation operation, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(Put, sessionUri) { Content = new ByteArrayContent([]) };
        request.Content.Headers.ContentRange = new ContentRangeHeaderValue(length);
        return await SendAsync(request, operation, idempotent: true, cancellationToken);
    }

    // 308 = incomplete, with "Range: bytes=0-N" for what was persisted (no Range: nothing yet); 200/201 = done.
    private async Task<(long Persisted, GcsObject? Completed)> SendAsync(
        HttpRequestMessage request, GcsOperation operation, bool idempotent, CancellationToken cancellationToken)
    {
        using var response = await _transport.SendAsync(
            request, operation, idempotent, cancellationToken, isExpected: status => status == HttpStatusCode.PermanentRedirect);
        if (response.StatusCode != HttpStatusCode.PermanentRedirect)
        {
            var resource = await _transport.ReadJsonAsync(response, GcsApiJsonContext.Default.ObjectResource, operation, cancellationToken);
            return (resource.Size, resource.ToGcsObject());
        }

        return (PersistedBytes(response, operation), null);
    }

    private static long PersistedBytes(HttpResponseMessage response, GcsOperation operation)
    {
        if (!response.Headers.TryGetValues("Range", out var values))
        {
            return 0;
        }

        var range = values.First();
        const string prefix = "bytes=0-";
        return range.StartsWith(prefix, StringComparison.Ordinal)
            && long.TryParse(range.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var last)
            ? last + 1
            : throw new GcsException($"Cloud Storage answered a resumable upload of {operation.Target} with Range '{range}'");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Resuming upload of {Target} at byte {Persisted} after an interrupted chunk at byte {Offset}")]
    private partial void LogResuming(string target, long persisted, long offset);

    private sealed class Session(Uri uri)
    {
        public Uri Uri { get; } = uri;

        public long Offset { get; set; }

        public bool Interrupted { get; set; }
    }
}
