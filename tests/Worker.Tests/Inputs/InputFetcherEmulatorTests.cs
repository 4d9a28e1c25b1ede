using System.Globalization;
using PullWorker.Jobs;
using PullWorker.Worker.Inputs;
using PullWorker.Worker.Storage;
using PullWorker.Worker.Tests.Fixtures;

namespace PullWorker.Worker.Tests.Inputs;

public sealed class InputFetcherEmulatorTests : StorageEmulatorFixture
{
    private const int MaxInputBytes = 4096;

    private InputFetcher _fetcher = null!;

    [OneTimeSetUp]
    public void CreateFetcher() => _fetcher = new InputFetcher(Client, [InputsBucket], Options, TimeProvider.System);

    [OneTimeTearDown]
    public void DisposeFetcher() => _fetcher.Dispose();

    [Test]
    [CancelAfter(30_000)]
    public async Task Fetch_AllowedObject_ReturnsBytes(CancellationToken cancellationToken)
    {
        var uri = await PutInputAsync(new byte[] { 1, 2, 3, 4 }, cancellationToken);

        var result = await _fetcher.FetchAsync("image", uri.ToString(), cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(result.Succeeded, Is.True, result.Error?.Message);
            Assert.That(result.Data.ToArray(), Is.EqualTo(new byte[] { 1, 2, 3, 4 }));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Fetch_ObjectOfExactlyTheLimit_Allowed(CancellationToken cancellationToken)
    {
        var uri = await PutInputAsync(new byte[MaxInputBytes], cancellationToken);

        var result = await _fetcher.FetchAsync("image", uri.ToString(), cancellationToken);

        Assert.That(result.Data.Length, Is.EqualTo(MaxInputBytes));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Fetch_BucketNotAllowed_InputForbiddenWithoutRequest(CancellationToken cancellationToken)
    {
        var requestsBefore = Emulator.RequestCount;

        var result = await _fetcher.FetchAsync("image", "gs://other-bucket/cats/17.jpg", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(result.Error, Is.EqualTo(new JobError(
                JobErrorCode.InputForbidden,
                "input 'image': bucket 'other-bucket' is not in Worker:InputBuckets (allowed: inputs-bucket)")));
            Assert.That(Emulator.RequestCount, Is.EqualTo(requestsBefore));
        });
    }

    [TestCase("https://example.com/cat.jpg", JobErrorCode.InputForbidden, "input 'image': 'https://example.com/cat.jpg' is not a gs:// URI; only gs:// inputs can be fetched")]
    [TestCase("file:///etc/passwd", JobErrorCode.InputForbidden, "input 'image': 'file:///etc/passwd' is not a gs:// URI; only gs:// inputs can be fetched")]
    [TestCase("gs://inputs-bucket/", JobErrorCode.InputNotFound, "input 'image': 'gs://inputs-bucket/' names no object")]
    [TestCase("gs://Inputs/x", JobErrorCode.InputNotFound, "input 'image': 'gs://Inputs/x': bucket name 'Inputs' may contain only lowercase letters, digits, '-', '_' and '.'")]
    [CancelAfter(30_000)]
    public async Task Fetch_UnusableUri_JobError(string uri, JobErrorCode code, string message, CancellationToken cancellationToken)
    {
        var result = await _fetcher.FetchAsync("image", uri, cancellationToken);

        Assert.That(result.Error, Is.EqualTo(new JobError(code, message)));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Fetch_MissingObject_InputNotFound(CancellationToken cancellationToken)
    {
        var result = await _fetcher.FetchAsync("image", "gs://inputs-bucket/missing/17.jpg", cancellationToken);

        Assert.That(result.Error, Is.EqualTo(new JobError(
            JobErrorCode.InputNotFound, "input 'image': gs://inputs-bucket/missing/17.jpg does not exist")));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Fetch_OversizedObject_TooLargeBeforeDownloading(CancellationToken cancellationToken)
    {
        var uri = await PutInputAsync(new byte[MaxInputBytes + 1], cancellationToken);
        var requestsBefore = Emulator.RequestCount;

        var result = await _fetcher.FetchAsync("image", uri.ToString(), cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(result.Error, Is.EqualTo(new JobError(
                JobErrorCode.TooLarge, $"input 'image': {uri} is 4097 bytes; the limit is 4096 (Storage:MaxInputBytes)")));
            Assert.That(Emulator.RequestCount - requestsBefore, Is.EqualTo(1), "only the metadata was requested");
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Fetch_UnderInjectedFaults_StillSucceeds(CancellationToken cancellationToken)
    {
        var uris = new List<GcsUri>();
        for (var i = 0; i < 20; i++)
        {
            uris.Add(await PutInputAsync(new byte[] { (byte)i }, cancellationToken));
        }

        Emulator.Faults.Seed = 3;
        Emulator.Faults.ErrorRate = 0.3;
        var results = await Task.WhenAll(uris.Select(uri => _fetcher.FetchAsync("x", uri.ToString(), cancellationToken)));

        Assert.That(results.Select(r => r.Data.ToArray()[0]), Is.EqualTo(Enumerable.Range(0, 20).Select(i => (byte)i)));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Fetch_StorageKeepsFailing_ThrowsSoTheJobIsRedelivered(CancellationToken cancellationToken)
    {
        var uri = await PutInputAsync(new byte[] { 1 }, cancellationToken);
        Emulator.Faults.FailNext(100, 503);

        var error = Assert.ThrowsAsync<Google.GoogleApiException>(() => _fetcher.FetchAsync("image", uri.ToString(), cancellationToken));

        Assert.That(StorageErrors.IsTransient(error!), Is.True);
    }

    [Test]
    public void Constructor_InvalidAllowedBucket_NamesKey()
    {
        var error = Assert.Throws<ArgumentException>(() => _ = new InputFetcher(Client, ["Bad_Bucket"], Options, TimeProvider.System));

        Assert.That(error.Message, Does.StartWith("Worker:InputBuckets: bucket name 'Bad_Bucket' may contain only lowercase"));
    }

    protected override IReadOnlyDictionary<string, string?> StorageSettings { get; } = new Dictionary<string, string?>
    {
        ["Storage:MaxInputBytes"] = MaxInputBytes.ToString(CultureInfo.InvariantCulture),
    };

    private async Task<GcsUri> PutInputAsync(byte[] data, CancellationToken cancellationToken)
    {
        var uri = new GcsUri(InputsBucket, UniquePrefix() + "input.bin");
        await Client.UploadObjectAsync(uri.Bucket, uri.ObjectName, null, new MemoryStream(data), cancellationToken: cancellationToken);
        return uri;
    }
}
