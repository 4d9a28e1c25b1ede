using System.Net;
using System.Security.Cryptography;
using Google;
using Google.Cloud.Storage.V1;
using PullWorker.Emulator.Storage;

namespace PullWorker.Emulator.Tests.Interop.Storage;

/// <summary>
/// Google's .NET <see cref="StorageClient"/> (5.0, the worker's client) against the emulator over real sockets,
/// built as a user would with <c>STORAGE_EMULATOR_HOST</c>: gzipped bodies, resumable chunks with the final
/// CRC32C, download hash validation, ranges, paging, errors and <c>testIamPermissions</c> must all work.
/// </summary>
[TestFixture]
[NonParallelizable] // STORAGE_EMULATOR_HOST is process-wide.
public sealed class OfficialClientTests
{
    private const string Project = "interop-project";
    private static int _bucketCounter;

    private StorageEmulator _emulator = null!;
    private StorageClient _client = null!;
    private string? _previousVariable;
    private string _bucket = string.Empty;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _emulator = await StorageEmulator.StartAsync(EmulatorOptions.DynamicPorts, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        _previousVariable = Environment.GetEnvironmentVariable("STORAGE_EMULATOR_HOST");
        Environment.SetEnvironmentVariable("STORAGE_EMULATOR_HOST", _emulator.EmulatorHost + "/storage/v1/");
        _client = await new StorageClientBuilder { EmulatorDetection = Google.Api.Gax.EmulatorDetection.EmulatorOnly }
            .BuildAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        Environment.SetEnvironmentVariable("STORAGE_EMULATOR_HOST", _previousVariable);
        _client?.Dispose();
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    [SetUp]
    public void NewBucketName() => _bucket = $"interop-{Interlocked.Increment(ref _bucketCounter)}-{Guid.NewGuid():N}"[..40];

    [Test]
    [CancelAfter(15_000)]
    public async Task CreateBucket_ThenGet_ReturnsIt(CancellationToken cancellationToken)
    {
        var created = await _client.CreateBucketAsync(Project, _bucket, cancellationToken: cancellationToken);
        var fetched = await _client.GetBucketAsync(_bucket, cancellationToken: cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(created.Name, Is.EqualTo(_bucket));
            Assert.That(fetched.Name, Is.EqualTo(_bucket));
        });
    }

    [Test]
    [CancelAfter(15_000)]
    public async Task CreateOnlyUpload_Twice_SecondGets412AndKeepsFirst(CancellationToken cancellationToken)
    {
        _emulator.CreateBucket(_bucket);
        var createOnly = new UploadObjectOptions { IfGenerationMatch = 0 };

        var first = await _client.UploadObjectAsync(_bucket, "results/a.json", "application/json", Bytes("{\"n\":1}"), createOnly, cancellationToken);
        var second = Assert.ThrowsAsync<GoogleApiException>(() =>
            _client.UploadObjectAsync(_bucket, "results/a.json", "application/json", Bytes("{\"n\":2}"), createOnly, cancellationToken));
        using var read = new MemoryStream();
        await _client.DownloadObjectAsync(_bucket, "results/a.json", read, cancellationToken: cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(first.Generation, Is.GreaterThan(0));
            Assert.That(second!.HttpStatusCode, Is.EqualTo(HttpStatusCode.PreconditionFailed));
            Assert.That(read.ToArray(), Is.EqualTo("{\"n\":1}"u8.ToArray()));
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task ChunkedUpload_20MiB_RoundTripsWithMatchingHashes(CancellationToken cancellationToken)
    {
        _emulator.CreateBucket(_bucket);
        var data = new byte[20 * 1024 * 1024];
        new Random(7).NextBytes(data);
        var options = new UploadObjectOptions { ChunkSize = 8 * 1024 * 1024 };

        var uploaded = await _client.UploadObjectAsync(_bucket, "big.bin", "application/octet-stream", new MemoryStream(data), options, cancellationToken);
        using var read = new MemoryStream();
        // The client checks the CRC32C/MD5 from x-goog-hash against the bytes it read, and throws on a mismatch.
        await _client.DownloadObjectAsync(_bucket, "big.bin", read, cancellationToken: cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(uploaded.Size, Is.EqualTo((ulong)data.Length));
            Assert.That(uploaded.Md5Hash, Is.EqualTo(Convert.ToBase64String(MD5.HashData(data))));
            Assert.That(read.ToArray(), Is.EqualTo(data));
        });
    }

    [Test]
    [CancelAfter(15_000)]
    public async Task RangedDownload_ReturnsOnlyThoseBytes(CancellationToken cancellationToken)
    {
        _emulator.CreateBucket(_bucket);
        var data = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        await _client.UploadObjectAsync(_bucket, "r.bin", null, new MemoryStream(data), cancellationToken: cancellationToken);

        using var read = new MemoryStream();
        await _client.DownloadObjectAsync(
            _bucket, "r.bin", read, new DownloadObjectOptions { Range = new System.Net.Http.Headers.RangeHeaderValue(100, 199) }, cancellationToken);

        Assert.That(read.ToArray(), Is.EqualTo(data[100..200]));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task ListObjects_SmallPages_ReturnsEveryObjectOnce(CancellationToken cancellationToken)
    {
        _emulator.CreateBucket(_bucket);
        var names = Enumerable.Range(0, 23).Select(i => $"p/{i:D2}").ToList();
        foreach (var name in names)
        {
            await _client.UploadObjectAsync(_bucket, name, null, Bytes(name), cancellationToken: cancellationToken);
        }

        await _client.UploadObjectAsync(_bucket, "other", null, Bytes("x"), cancellationToken: cancellationToken);
        var pages = await _client.ListObjectsAsync(_bucket, "p/", new ListObjectsOptions { PageSize = 5 }).AsRawResponses()
            .ToListAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(pages, Has.Count.EqualTo(5));
            Assert.That(pages.SelectMany(page => page.Items ?? []).Select(item => item.Name), Is.EqualTo(names));
        });
    }

    [Test]
    [CancelAfter(15_000)]
    public void MissingObject_Throws404WithGoogleErrorBody()
    {
        _emulator.CreateBucket(_bucket);

        var error = Assert.ThrowsAsync<GoogleApiException>(() => _client.GetObjectAsync(_bucket, "nothing-here"));

        Assert.Multiple(() =>
        {
            Assert.That(error!.HttpStatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(error.Error?.Code, Is.EqualTo(404));
            Assert.That(error.Error?.Message, Does.Contain("nothing-here"));
        });
    }

    [Test]
    [CancelAfter(15_000)]
    public async Task TestIamPermissions_ExistingBucket_GrantsWhatWasAsked(CancellationToken cancellationToken)
    {
        _emulator.CreateBucket(_bucket);

        var granted = await _client.TestBucketIamPermissionsAsync(
            _bucket, ["storage.objects.create", "storage.objects.get"], cancellationToken: cancellationToken);

        Assert.That(granted, Is.EquivalentTo(new[] { "storage.objects.create", "storage.objects.get" }));
    }

    [Test]
    [CancelAfter(15_000)]
    public void TestIamPermissions_MissingBucket_Throws404()
    {
        var error = Assert.ThrowsAsync<GoogleApiException>(() =>
            _client.TestBucketIamPermissionsAsync("no-such-bucket-here", ["storage.objects.create"]));

        Assert.That(error!.HttpStatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    private static MemoryStream Bytes(string text) => new(System.Text.Encoding.UTF8.GetBytes(text));
}
