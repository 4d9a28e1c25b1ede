using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace PullWorker.Emulator.Tests.Storage;

public sealed class UploadTests : StorageTestBase
{
    [Test]
    [CancelAfter(10_000)]
    public async Task MediaUpload_ThenGetAndDownload_RoundTripsBytesAndResource(CancellationToken cancellationToken)
    {
        var data = StorageClient.RandomBytes(10_000, seed: 1);

        var created = await Client.PutObjectAsync(Bucket, "results/job 1.json", data, cancellationToken, "application/json");
        using var get = await Client.GetObjectAsync(Bucket, "results/job 1.json", cancellationToken);
        var fetched = await StorageClient.ReadObjectAsync(get, HttpStatusCode.OK, cancellationToken);
        var downloaded = await Client.DownloadAsync(Bucket, "results/job 1.json", cancellationToken);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(downloaded, Is.EqualTo(data));
            Assert.That(StorageClient.Text(created, "kind"), Is.EqualTo("storage#object"));
            Assert.That(StorageClient.Text(created, "name"), Is.EqualTo("results/job 1.json"));
            Assert.That(StorageClient.Text(created, "bucket"), Is.EqualTo(Bucket));
            Assert.That(StorageClient.Text(created, "contentType"), Is.EqualTo("application/json"));
            Assert.That(StorageClient.Text(created, "size"), Is.EqualTo("10000"));
            Assert.That(StorageClient.Text(created, "md5Hash"), Is.EqualTo(Convert.ToBase64String(MD5.HashData(data))));
            Assert.That(long.Parse(StorageClient.Text(created, "generation")), Is.GreaterThan(0));
            Assert.That(StorageClient.Text(created, "metageneration"), Is.EqualTo("1"));
            Assert.That(StorageClient.Text(created, "id"), Is.EqualTo($"{Bucket}/results/job 1.json/{StorageClient.Text(created, "generation")}"));
            Assert.That(StorageClient.Text(created, "selfLink"), Does.EndWith($"/storage/v1/b/{Bucket}/o/results%2Fjob%201.json"));
            Assert.That(StorageClient.Text(created, "mediaLink"), Does.Contain("alt=media"));
            Assert.That(DateTimeOffset.Parse(StorageClient.Text(created, "timeCreated")), Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(1)));
            Assert.That(fetched.ToJsonString(), Is.EqualTo(created.ToJsonString()));
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task MediaUpload_Crc32c_IsBigEndianBase64OfCastagnoliChecksum(CancellationToken cancellationToken)
    {
        // The CRC-32C check value of "123456789" is 0xE3069283 (RFC 3720 / iSCSI test vector).
        var created = await Client.PutObjectAsync(Bucket, "check", "123456789"u8.ToArray(), cancellationToken);
        var empty = await Client.PutObjectAsync(Bucket, "empty", [], cancellationToken);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(StorageClient.Text(created, "crc32c"), Is.EqualTo(Convert.ToBase64String([0xE3, 0x06, 0x92, 0x83])));
            Assert.That(StorageClient.Text(empty, "crc32c"), Is.EqualTo("AAAAAA=="));
            Assert.That(StorageClient.Text(empty, "size"), Is.EqualTo("0"));
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task MultipartUpload_WithMetadata_StoresContentTypeAndCustomMetadata(CancellationToken cancellationToken)
    {
        var data = StorageClient.RandomBytes(3000, seed: 2);
        var metadata = new JsonObject
        {
            ["name"] = "a/b/c.bin",
            ["contentType"] = "image/png",
            ["metadata"] = new JsonObject { ["job"] = "17", ["model"] = "mnist" },
        };

        using var response = await Client.UploadMultipartAsync(Bucket, metadata, data, "application/octet-stream", cancellationToken);
        var created = await StorageClient.ReadObjectAsync(response, HttpStatusCode.OK, cancellationToken);
        var stored = Emulator.TryGetObject(Bucket, "a/b/c.bin", out var obj);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(StorageClient.Text(created, "contentType"), Is.EqualTo("image/png"));
            Assert.That(created["metadata"]!["job"]!.GetValue<string>(), Is.EqualTo("17"));
            Assert.That(created["metadata"]!["model"]!.GetValue<string>(), Is.EqualTo("mnist"));
            Assert.That(stored, Is.True);
            Assert.That(obj!.Data.ToArray(), Is.EqualTo(data));
            Assert.That(obj.Metadata, Is.EquivalentTo(new Dictionary<string, string> { ["job"] = "17", ["model"] = "mnist" }));
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task MultipartUpload_WithWrongMd5_Returns400AndStoresNothing(CancellationToken cancellationToken)
    {
        var metadata = new JsonObject { ["name"] = "checked", ["md5Hash"] = Convert.ToBase64String(new byte[16]) };

        using var response = await Client.UploadMultipartAsync(Bucket, metadata, [1, 2, 3], "text/plain", cancellationToken);
        var reason = await StorageClient.ReadErrorReasonAsync(response, HttpStatusCode.BadRequest, cancellationToken);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason, Is.EqualTo("invalid"));
            Assert.That(Emulator.TryGetObject(Bucket, "checked", out _), Is.False);
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Upload_OverExistingObject_ReplacesItWithHigherGeneration(CancellationToken cancellationToken)
    {
        var first = await Client.PutObjectAsync(Bucket, "same", [1], cancellationToken);
        var second = await Client.PutObjectAsync(Bucket, "same", [2, 2], cancellationToken);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(long.Parse(StorageClient.Text(second, "generation")), Is.GreaterThan(long.Parse(StorageClient.Text(first, "generation"))));
            Assert.That(await Client.DownloadAsync(Bucket, "same", cancellationToken), Is.EqualTo(new byte[] { 2, 2 }));
        }
    }

    [TestCase("", "required")]
    [TestCase("line\nbreak", "invalid")]
    [TestCase("..", "invalid")]
    [CancelAfter(10_000)]
    public async Task MediaUpload_WithBadName_Returns400(string name, string expectedReason, CancellationToken cancellationToken)
    {
        using var response = await Client.UploadMediaAsync(Bucket, name, [1], cancellationToken);
        var reason = await StorageClient.ReadErrorReasonAsync(response, HttpStatusCode.BadRequest, cancellationToken);

        Assert.That(reason, Is.EqualTo(expectedReason));
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Upload_WithoutUploadType_Returns400Required(CancellationToken cancellationToken)
    {
        using var response = await Client.Http.PostAsync(
            $"/upload/storage/v1/b/{Bucket}/o?name=x", new ByteArrayContent([1]), cancellationToken);

        Assert.That(await StorageClient.ReadErrorReasonAsync(response, HttpStatusCode.BadRequest, cancellationToken), Is.EqualTo("required"));
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Upload_ToMissingBucket_Returns404NotFound(CancellationToken cancellationToken)
    {
        using var response = await Client.UploadMediaAsync("no-such-bucket", "x", [1], cancellationToken);

        Assert.That(await StorageClient.ReadErrorReasonAsync(response, HttpStatusCode.NotFound, cancellationToken), Is.EqualTo("notFound"));
    }
}
