using System.Net;
using System.Text.Json.Nodes;

namespace PullWorker.Emulator.Tests.Storage;

public sealed class ResumableUploadTests : StorageTestBase
{
    private const int Block = 256 * 1024;
    private const HttpStatusCode ResumeIncomplete = (HttpStatusCode)308;

    [Test]
    [CancelAfter(20_000)]
    public async Task ChunkedUpload_Returns308WithRangeUntilLastChunk_ThenTheObject(CancellationToken cancellationToken)
    {
        var data = StorageClient.RandomBytes((2 * Block) + 1000, seed: 4);
        var session = await Client.StartResumableAsync(
            Bucket, "big/file.bin", cancellationToken,
            metadata: new JsonObject { ["contentType"] = "application/x-big", ["metadata"] = new JsonObject { ["k"] = "v" } });

        using var first = await Client.PutChunkAsync(session, $"bytes 0-{Block - 1}/*", data.AsMemory(0, Block), cancellationToken);
        using var second = await Client.PutChunkAsync(session, $"bytes {Block}-{(2 * Block) - 1}/*", data.AsMemory(Block, Block), cancellationToken);
        using var last = await Client.PutChunkAsync(
            session, $"bytes {2 * Block}-{data.Length - 1}/{data.Length}", data.AsMemory(2 * Block), cancellationToken);
        var created = await StorageClient.ReadObjectAsync(last, HttpStatusCode.OK, cancellationToken);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(session.Query, Does.Contain("upload_id="));
            Assert.That(first.StatusCode, Is.EqualTo(ResumeIncomplete));
            Assert.That(first.Headers.GetValues("Range").Single(), Is.EqualTo($"bytes=0-{Block - 1}"));
            Assert.That(second.Headers.GetValues("Range").Single(), Is.EqualTo($"bytes=0-{(2 * Block) - 1}"));
            Assert.That(StorageClient.Text(created, "size"), Is.EqualTo(data.Length.ToString()));
            Assert.That(StorageClient.Text(created, "contentType"), Is.EqualTo("application/x-big"));
            Assert.That(created["metadata"]!["k"]!.GetValue<string>(), Is.EqualTo("v"));
            Assert.That(await Client.DownloadAsync(Bucket, "big/file.bin", cancellationToken), Is.EqualTo(data));
        }
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task InterruptedChunk_StatusQueryShowsWholeBlocksKept_ThenResumeCompletes(CancellationToken cancellationToken)
    {
        var data = StorageClient.RandomBytes((3 * Block) + 10, seed: 5);
        var session = await Client.StartResumableAsync(Bucket, "resumed.bin", cancellationToken);

        // Only 1.5 blocks of the first 2-block chunk arrive, as when a connection drops mid-chunk.
        var partial = (Block * 3) / 2;
        using var cut = await Client.PutChunkAsync(session, $"bytes 0-{partial - 1}/*", data.AsMemory(0, partial), cancellationToken);
        using var status = await Client.PutChunkAsync(session, "bytes */*", ReadOnlyMemory<byte>.Empty, cancellationToken);
        var resumeAt = long.Parse(status.Headers.GetValues("Range").Single().Split('-')[1]) + 1;
        using var rest = await Client.PutChunkAsync(
            session, $"bytes {resumeAt}-{data.Length - 1}/{data.Length}", data.AsMemory((int)resumeAt), cancellationToken);
        await StorageClient.EnsureStatusAsync(rest, HttpStatusCode.OK, cancellationToken);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(cut.StatusCode, Is.EqualTo(ResumeIncomplete));
            Assert.That(status.StatusCode, Is.EqualTo(ResumeIncomplete));
            Assert.That(resumeAt, Is.EqualTo(Block));
            Assert.That(await Client.DownloadAsync(Bucket, "resumed.bin", cancellationToken), Is.EqualTo(data));
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task StatusQuery_BeforeAnyBytes_Returns308WithoutRangeHeader(CancellationToken cancellationToken)
    {
        var session = await Client.StartResumableAsync(Bucket, "nothing-yet", cancellationToken);

        using var status = await Client.PutChunkAsync(session, "bytes */*", ReadOnlyMemory<byte>.Empty, cancellationToken);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(status.StatusCode, Is.EqualTo(ResumeIncomplete));
            Assert.That(status.Headers.Contains("Range"), Is.False);
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task StreamedRest_WithUnknownTotal_CompletesInOneRequest(CancellationToken cancellationToken)
    {
        // What the Node client sends when it does not chunk: "bytes 0-*/*" and the whole body.
        var data = StorageClient.RandomBytes(70_000, seed: 6);
        var session = await Client.StartResumableAsync(Bucket, "streamed", cancellationToken);

        using var response = await Client.PutChunkAsync(session, "bytes 0-*/*", data, cancellationToken);
        await StorageClient.EnsureStatusAsync(response, HttpStatusCode.OK, cancellationToken);

        Assert.That(await Client.DownloadAsync(Bucket, "streamed", cancellationToken), Is.EqualTo(data));
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task FinalStatusQuery_WithTotalEqualToReceived_CompletesTheUpload(CancellationToken cancellationToken)
    {
        var data = StorageClient.RandomBytes(Block, seed: 7);
        var session = await Client.StartResumableAsync(Bucket, "exact-blocks", cancellationToken);

        using var chunk = await Client.PutChunkAsync(session, $"bytes 0-{Block - 1}/*", data, cancellationToken);
        using var finish = await Client.PutChunkAsync(session, $"bytes */{Block}", ReadOnlyMemory<byte>.Empty, cancellationToken);
        using var again = await Client.PutChunkAsync(session, "bytes */*", ReadOnlyMemory<byte>.Empty, cancellationToken);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(chunk.StatusCode, Is.EqualTo(ResumeIncomplete));
            Assert.That(finish.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a completed session keeps answering with the object");
            Assert.That(await Client.DownloadAsync(Bucket, "exact-blocks", cancellationToken), Is.EqualTo(data));
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task CreateOnlySession_WhenObjectAppearsMeanwhile_FinalChunkReturns412(CancellationToken cancellationToken)
    {
        var session = await Client.StartResumableAsync(Bucket, "contested", cancellationToken, query: "&ifGenerationMatch=0");
        await Client.PutObjectAsync(Bucket, "contested", [1], cancellationToken);

        using var final = await Client.PutChunkAsync(session, "bytes 0-2/3", new byte[] { 9, 9, 9 }, cancellationToken);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await StorageClient.ReadErrorReasonAsync(final, HttpStatusCode.PreconditionFailed, cancellationToken),
                Is.EqualTo("conditionNotMet"));
            Assert.That(await Client.DownloadAsync(Bucket, "contested", cancellationToken), Is.EqualTo(new byte[] { 1 }));
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Chunk_WithBodyLengthNotMatchingContentRange_Returns400AndSessionSurvives(CancellationToken cancellationToken)
    {
        var session = await Client.StartResumableAsync(Bucket, "mismatch", cancellationToken);

        using var bad = await Client.PutChunkAsync(session, "bytes 0-9/10", new byte[5], cancellationToken);
        using var good = await Client.PutChunkAsync(session, "bytes 0-9/10", new byte[10], cancellationToken);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await StorageClient.ReadErrorReasonAsync(bad, HttpStatusCode.BadRequest, cancellationToken), Is.EqualTo("invalid"));
            Assert.That(good.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Cancel_Returns499_ThenTheSessionIsGone(CancellationToken cancellationToken)
    {
        var session = await Client.StartResumableAsync(Bucket, "cancelled", cancellationToken);

        using var cancel = await Client.Http.DeleteAsync(session, cancellationToken);
        using var after = await Client.PutChunkAsync(session, "bytes */*", ReadOnlyMemory<byte>.Empty, cancellationToken);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((int)cancel.StatusCode, Is.EqualTo(499));
            Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }
    }

    [TestCase("bytes 0-9")]
    [TestCase("bytes 9-0/10")]
    [TestCase("bytes a-b/c")]
    [TestCase("items 0-9/10")]
    [CancelAfter(10_000)]
    public async Task Chunk_WithMalformedContentRange_Returns400(string contentRange, CancellationToken cancellationToken)
    {
        var session = await Client.StartResumableAsync(Bucket, "malformed", cancellationToken);

        using var response = await Client.PutChunkAsync(session, contentRange, new byte[10], cancellationToken);

        Assert.That(await StorageClient.ReadErrorReasonAsync(response, HttpStatusCode.BadRequest, cancellationToken), Is.EqualTo("invalid"));
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Chunk_ToUnknownSession_Returns404(CancellationToken cancellationToken)
    {
        using var response = await Client.PutChunkAsync(
            new Uri(new Uri(Emulator.EmulatorHost), $"/upload/storage/v1/b/{Bucket}/o?uploadType=resumable&upload_id=nope"),
            "bytes */*", ReadOnlyMemory<byte>.Empty, cancellationToken);

        Assert.That(await StorageClient.ReadErrorReasonAsync(response, HttpStatusCode.NotFound, cancellationToken), Is.EqualTo("notFound"));
    }
}
