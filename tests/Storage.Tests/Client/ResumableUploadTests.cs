using System.Globalization;
using System.Net;
using PullWorker.Storage.Client;
using PullWorker.Storage.Options;
using PullWorker.Storage.Tests.TestSupport;

namespace PullWorker.Storage.Tests.Client;

/// <summary>
/// Resumable uploads against a fake session that can keep part of a chunk and then drop the connection, which the
/// emulator's fault injection (failures that change no state) cannot do.
/// </summary>
public sealed class ResumableUploadTests
{
    private const int Chunk = StorageOptions.ChunkUnit;
    private static readonly GcsUri Destination = GcsUri.Parse("gs://results-bucket/big.bin");

    [Test]
    [CancelAfter(30_000)]
    public async Task Upload_ChunkLostAfterPartialPersist_QueriesStatusAndResumes(CancellationToken cancellationToken)
    {
        var content = Enumerable.Range(0, (3 * Chunk) + 1000).Select(i => (byte)(i * 7)).ToArray();
        var session = new FakeSession { DropChunkAt = Chunk, KeepOfDroppedChunk = 1000 };
        var handler = new RecordingHandler(session.Respond);
        await using var services = StorageServices.Build("http://127.0.0.1:1", handler, Settings(threshold: Chunk));

        var result = await services.Client().UploadAsync(
            Destination, content, new GcsUploadOptions { IfGenerationMatch = 0 }, cancellationToken);

        var puts = handler.Requests.Where(r => r.Method == HttpMethod.Put).Select(r => r.Header("Content-Range")).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(session.Received.AsSpan().SequenceEqual(content), Is.True, "the server got exactly the content");
            Assert.That(result.Size, Is.EqualTo(content.Length));
            Assert.That(handler.Requests[0].Uri.Query, Is.EqualTo("?uploadType=resumable&ifGenerationMatch=0"));
            Assert.That(handler.Requests[0].Header("X-Upload-Content-Length"), Is.EqualTo(content.Length.ToString(CultureInfo.InvariantCulture)));
            Assert.That(puts, Is.EqualTo(new[]
            {
                "bytes 0-262143/787432",
                "bytes 262144-524287/787432", // dropped after the server kept 1000 bytes
                "bytes */787432",
                "bytes 263144-525287/787432",
                "bytes 525288-787431/787432",
            }));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Upload_BelowThreshold_SingleMultipartRequest(CancellationToken cancellationToken)
    {
        var handler = new RecordingHandler(_ => RecordingHandler.ObjectResource("results-bucket", "big.bin", size: 10));
        await using var services = StorageServices.Build("http://127.0.0.1:1", handler, Settings(threshold: 11));

        await services.Client().UploadAsync(Destination, new byte[10], new GcsUploadOptions(), cancellationToken);

        Assert.That(handler.Requests.Select(r => r.Uri.Query), Is.EqualTo(new[] { "?uploadType=multipart" }));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Upload_FinalChunkPreconditionFails_Throws412WithoutRetry(CancellationToken cancellationToken)
    {
        var session = new FakeSession { FailFinalWith = HttpStatusCode.PreconditionFailed };
        var handler = new RecordingHandler(session.Respond);
        await using var services = StorageServices.Build("http://127.0.0.1:1", handler, Settings(threshold: 1));

        var error = Assert.ThrowsAsync<GcsException>(() => services.Client().UploadAsync(
            Destination, new byte[Chunk + 1], new GcsUploadOptions { IfGenerationMatch = 0 }, cancellationToken));

        Assert.Multiple(() =>
        {
            Assert.That(error.IsPreconditionFailed, Is.True);
            Assert.That(handler.Requests, Has.Count.EqualTo(3));
        });
    }

    private static Dictionary<string, string?> Settings(int threshold) => new()
    {
        ["Storage:ResumableThreshold"] = threshold.ToString(CultureInfo.InvariantCulture),
        ["Storage:ChunkSize"] = Chunk.ToString(CultureInfo.InvariantCulture),
    };

    private sealed class FakeSession
    {
        private readonly List<byte> _received = [];
        private bool _dropped;

        public long DropChunkAt { get; init; } = -1;

        public int KeepOfDroppedChunk { get; init; }

        public HttpStatusCode? FailFinalWith { get; init; }

        public byte[] Received => [.. _received];

        public HttpResponseMessage Respond(RecordedRequest request)
        {
            if (request.Method == HttpMethod.Post)
            {
                var started = new HttpResponseMessage(HttpStatusCode.OK);
                started.Headers.Location = new Uri("/upload/session/1", UriKind.Relative);
                return started;
            }

            var range = request.Message.Content!.Headers.ContentRange!;
            var total = range.Length!.Value;
            if (!range.HasRange)
            {
                return Incomplete();
            }

            if (range.From != _received.Count)
            {
                return RecordingHandler.Status(HttpStatusCode.BadRequest, $"expected offset {_received.Count}, got {range.From}");
            }

            if (range.From == DropChunkAt && !_dropped)
            {
                _dropped = true;
                _received.AddRange(request.Body.Take(KeepOfDroppedChunk));
                throw new HttpRequestException("Connection reset by peer", new IOException("reset"));
            }

            if (range.To + 1 == total && FailFinalWith is { } status)
            {
                return RecordingHandler.Status(status);
            }

            _received.AddRange(request.Body);
            return _received.Count == total
                ? RecordingHandler.ObjectResource("results-bucket", "big.bin", size: total)
                : Incomplete();
        }

        private HttpResponseMessage Incomplete()
        {
            var response = new HttpResponseMessage(HttpStatusCode.PermanentRedirect);
            if (_received.Count > 0)
            {
                response.Headers.TryAddWithoutValidation("Range", $"bytes=0-{_received.Count - 1}");
            }

            return response;
        }
    }
}
