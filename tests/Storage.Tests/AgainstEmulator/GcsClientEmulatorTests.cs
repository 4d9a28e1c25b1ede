using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using PullWorker.Storage.Client;
using PullWorker.Storage.Options;
using PullWorker.Storage.Tests.TestSupport;

namespace PullWorker.Storage.Tests.AgainstEmulator;

public sealed class GcsClientEmulatorTests : EmulatorFixture
{
    private const int Chunk = StorageOptions.ChunkUnit;
    private readonly List<string> _contentRanges = [];
    private long _failChunkStartingAt = -1;

    private GcsClient Client => Services.Client();

    [Test]
    [CancelAfter(30_000)]
    public async Task Upload_Multipart_RoundTripsDataAndMetadata(CancellationToken cancellationToken)
    {
        var uri = new GcsUri(ResultsBucket, UniquePrefix() + "a b/ü?#[x].json");
        var data = Encoding.UTF8.GetBytes("""{"hello":"world"}""");
        var options = new GcsUploadOptions
        {
            ContentType = "application/json",
            Metadata = new Dictionary<string, string> { ["message-id"] = "42", ["status"] = "ok" },
        };

        var created = await Client.UploadAsync(uri, data, options, cancellationToken);
        var metadata = await Client.GetMetadataAsync(uri, cancellationToken);
        var downloaded = await Client.DownloadAsync(uri, 1024, metadata.Generation, cancellationToken);

        var stored = Stored(ResultsBucket, uri.ObjectName);
        Assert.Multiple(() =>
        {
            Assert.That(stored.Data.ToArray(), Is.EqualTo(data));
            Assert.That(stored.ContentType, Is.EqualTo("application/json"));
            Assert.That(stored.Metadata, Is.EquivalentTo(options.Metadata));
            Assert.That(created.Generation, Is.EqualTo(stored.Generation));
            Assert.That(metadata.Size, Is.EqualTo(data.Length));
            Assert.That(metadata.Metadata, Is.EquivalentTo(options.Metadata));
            Assert.That(downloaded.ToArray(), Is.EqualTo(data));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Upload_IfGenerationMatchZeroOnExistingObject_PreconditionFailedAndUnchanged(CancellationToken cancellationToken)
    {
        var uri = new GcsUri(ResultsBucket, UniquePrefix() + "once.json");
        var createOnly = new GcsUploadOptions { IfGenerationMatch = 0 };
        await Client.UploadAsync(uri, "first"u8.ToArray(), createOnly, cancellationToken);
        var before = Stored(ResultsBucket, uri.ObjectName);

        var error = Assert.ThrowsAsync<GcsException>(() => Client.UploadAsync(uri, "second"u8.ToArray(), createOnly, cancellationToken));

        var after = Stored(ResultsBucket, uri.ObjectName);
        Assert.Multiple(() =>
        {
            Assert.That(error.IsPreconditionFailed, Is.True);
            Assert.That(error.Message, Does.StartWith($"{uri} already exists or has changed"));
            Assert.That(after.Generation, Is.EqualTo(before.Generation));
            Assert.That(Encoding.UTF8.GetString(after.Data.Span), Is.EqualTo("first"));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Upload_MatchingGeneration_Replaces(CancellationToken cancellationToken)
    {
        var uri = new GcsUri(ResultsBucket, UniquePrefix() + "replace.bin");
        var first = await Client.UploadAsync(uri, "1"u8.ToArray(), new GcsUploadOptions { IfGenerationMatch = 0 }, cancellationToken);

        var second = await Client.UploadAsync(uri, "2"u8.ToArray(), new GcsUploadOptions { IfGenerationMatch = first.Generation }, cancellationToken);

        Assert.That(second.Generation, Is.GreaterThan(first.Generation));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Upload_Resumable_RoundTripsInChunks(CancellationToken cancellationToken)
    {
        var uri = new GcsUri(ResultsBucket, UniquePrefix() + "big.bin");
        var data = Pattern((3 * Chunk) + 12345);

        var created = await Client.UploadAsync(
            uri, data, new GcsUploadOptions { ContentType = "application/x-test", IfGenerationMatch = 0 }, cancellationToken);

        var stored = Stored(ResultsBucket, uri.ObjectName);
        Assert.Multiple(() =>
        {
            Assert.That(stored.Data.Span.SequenceEqual(data), Is.True, "stored bytes equal the upload");
            Assert.That(stored.ContentType, Is.EqualTo("application/x-test"));
            Assert.That(created.Size, Is.EqualTo(data.Length));
            Assert.That(ChunkRanges(), Has.Count.EqualTo(4));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Upload_ResumableChunkInterrupted_QueriesStatusAndCompletesOnce(CancellationToken cancellationToken)
    {
        var uri = new GcsUri(ResultsBucket, UniquePrefix() + "interrupted.bin");
        var data = Pattern((2 * Chunk) + 7);
        _failChunkStartingAt = Chunk;

        await Client.UploadAsync(uri, data, new GcsUploadOptions { IfGenerationMatch = 0 }, cancellationToken);

        var stored = Stored(ResultsBucket, uri.ObjectName);
        var total = data.Length.ToString(CultureInfo.InvariantCulture);
        Assert.Multiple(() =>
        {
            Assert.That(stored.Data.Span.SequenceEqual(data), Is.True, "stored bytes equal the upload");
            Assert.That(Emulator.ListObjects(ResultsBucket, uri.ObjectName), Has.Count.EqualTo(1));
            Assert.That(ChunkRanges(), Is.EqualTo(new[]
            {
                $"bytes 0-262143/{total}",
                $"bytes 262144-524287/{total}", // failed with an injected 503
                $"bytes */{total}",
                $"bytes 262144-524287/{total}",
                $"bytes 524288-524294/{total}",
            }));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task List_MoreObjectsThanAPage_FollowsPageTokens(CancellationToken cancellationToken)
    {
        var prefix = UniquePrefix();
        var names = Enumerable.Range(0, 7).Select(i => $"{prefix}{i}.json").ToList();
        foreach (var name in names)
        {
            await Client.UploadAsync(new GcsUri(ResultsBucket, name), "{}"u8.ToArray(), new GcsUploadOptions(), cancellationToken);
        }

        var listed = new List<string>();
        await foreach (var item in Client.ListAsync(ResultsBucket, prefix, pageSize: 3, cancellationToken))
        {
            listed.Add(item.Name);
        }

        Assert.That(listed, Is.EquivalentTo(names));
    }

    [Test]
    [CancelAfter(30_000)]
    public void GetMetadata_MissingObject_NotFoundNamingIt(CancellationToken cancellationToken)
    {
        var uri = new GcsUri(ResultsBucket, "no/such/object.json");

        var error = Assert.ThrowsAsync<GcsException>(() => Client.GetMetadataAsync(uri, cancellationToken));

        Assert.Multiple(() =>
        {
            Assert.That(error.IsNotFound, Is.True);
            Assert.That(error.Message, Does.StartWith("gs://results-bucket/no/such/object.json does not exist"));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Delete_WithGeneration_RemovesObject(CancellationToken cancellationToken)
    {
        var uri = new GcsUri(ResultsBucket, UniquePrefix() + "gone.json");
        var created = await Client.UploadAsync(uri, "x"u8.ToArray(), new GcsUploadOptions(), cancellationToken);

        await Client.DeleteAsync(uri, created.Generation, cancellationToken);

        Assert.That(Emulator.TryGetObject(ResultsBucket, uri.ObjectName, out _), Is.False);
    }

    [SetUp]
    public void ClearRecording()
    {
        lock (_contentRanges)
        {
            _contentRanges.Clear();
        }

        _failChunkStartingAt = -1;
    }

    protected override ServiceProvider BuildServices(string emulatorHost) => StorageServices.Build(
        emulatorHost,
        settings: new Dictionary<string, string?>
        {
            ["Storage:ResumableThreshold"] = Chunk.ToString(CultureInfo.InvariantCulture),
            ["Storage:ChunkSize"] = Chunk.ToString(CultureInfo.InvariantCulture),
        },
        configureHttp: http => http.AddHttpMessageHandler(() => new ChunkObserver(this)));

    private List<string> ChunkRanges()
    {
        lock (_contentRanges)
        {
            return [.. _contentRanges];
        }
    }

    private static byte[] Pattern(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 31)).ToArray();

    /// <summary>
    /// Records each resumable PUT's Content-Range; arms the emulator to fail the first PUT of the chunk starting at
    /// <see cref="_failChunkStartingAt"/>, which is how a chunk gets interrupted at a deterministic point.
    /// </summary>
    private sealed class ChunkObserver(GcsClientEmulatorTests test) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Put && request.Content?.Headers.ContentRange is { } range)
            {
                lock (test._contentRanges)
                {
                    test._contentRanges.Add(range.ToString());
                }

                if (range.From == test._failChunkStartingAt)
                {
                    test._failChunkStartingAt = -1;
                    test.Emulator.Faults.FailNext(1, 503);
                }
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
