using System.Net;
using System.Net.Http.Headers;

namespace PullWorker.Emulator.Tests.Storage;

public sealed class DownloadTests : StorageTestBase
{
    private static readonly byte[] Data = StorageClient.RandomBytes(1000, seed: 3);

    [SetUp]
    public async Task UploadObjectAsync() =>
        await Client.PutObjectAsync(Bucket, "dir/data.bin", Data, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

    [TestCase(10L, 19L, 10, 19)]
    [TestCase(990L, null, 990, 999)]
    [TestCase(900L, 5000L, 900, 999)]
    [TestCase(null, 25L, 975, 999)]
    [CancelAfter(10_000)]
    public async Task Download_WithRange_Returns206WithContentRangeAndExactBytes(
        long? from, long? to, int expectedStart, int expectedEnd, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/storage/v1/b/{Bucket}/o/dir%2Fdata.bin?alt=media");
        request.Headers.Range = new RangeHeaderValue(from, to);

        using var response = await Client.Http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.PartialContent));
            Assert.That(response.Content.Headers.ContentRange?.ToString(), Is.EqualTo($"bytes {expectedStart}-{expectedEnd}/1000"));
            Assert.That(body, Is.EqualTo(Data[expectedStart..(expectedEnd + 1)]));
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Download_WithRangePastEnd_Returns416(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/storage/v1/b/{Bucket}/o/dir%2Fdata.bin?alt=media");
        request.Headers.Range = new RangeHeaderValue(1000, null);

        using var response = await Client.Http.SendAsync(request, cancellationToken);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await StorageClient.ReadErrorReasonAsync(response, HttpStatusCode.RequestedRangeNotSatisfiable, cancellationToken),
                Is.EqualTo("requestedRangeNotSatisfiable"));
            Assert.That(response.Content.Headers.ContentRange?.ToString(), Is.EqualTo("bytes */1000"));
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Download_Whole_CarriesGoogleHashAndGenerationHeaders(CancellationToken cancellationToken)
    {
        using var metadata = await Client.GetObjectAsync(Bucket, "dir/data.bin", cancellationToken);
        var resource = await StorageClient.ReadObjectAsync(metadata, HttpStatusCode.OK, cancellationToken);

        using var response = await Client.Http.GetAsync($"/download/storage/v1/b/{Bucket}/o/dir%2Fdata.bin?alt=media", cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(body, Is.EqualTo(Data));
            Assert.That(response.Headers.GetValues("x-goog-hash").Single(),
                Is.EqualTo($"crc32c={StorageClient.Text(resource, "crc32c")},md5={StorageClient.Text(resource, "md5Hash")}"));
            Assert.That(response.Headers.GetValues("x-goog-generation").Single(), Is.EqualTo(StorageClient.Text(resource, "generation")));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/octet-stream"));
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Download_ViaMediaLink_ReturnsTheBytes(CancellationToken cancellationToken)
    {
        using var metadata = await Client.GetObjectAsync(Bucket, "dir/data.bin", cancellationToken);
        var mediaLink = StorageClient.Text(await StorageClient.ReadObjectAsync(metadata, HttpStatusCode.OK, cancellationToken), "mediaLink");

        var body = await Client.Http.GetByteArrayAsync(new Uri(mediaLink), cancellationToken);

        Assert.That(body, Is.EqualTo(Data));
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Download_OfOtherGeneration_Returns404(CancellationToken cancellationToken)
    {
        using var response = await Client.Http.GetAsync($"/storage/v1/b/{Bucket}/o/dir%2Fdata.bin?alt=media&generation=1", cancellationToken);

        Assert.That(await StorageClient.ReadErrorReasonAsync(response, HttpStatusCode.NotFound, cancellationToken), Is.EqualTo("notFound"));
    }
}
