using System.Net;

namespace PullWorker.Emulator.Tests.Storage;

public sealed class ObjectTests : StorageTestBase
{
    [Test]
    [CancelAfter(10_000)]
    public async Task Delete_ExistingObject_Returns204AndTheObjectIsGone(CancellationToken cancellationToken)
    {
        await Client.PutObjectAsync(Bucket, "doomed/file.txt", [1], cancellationToken);

        using var delete = await Client.Http.DeleteAsync($"/storage/v1/b/{Bucket}/o/doomed%2Ffile.txt", cancellationToken);
        using var get = await Client.GetObjectAsync(Bucket, "doomed/file.txt", cancellationToken);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(get.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(Emulator.TryGetObject(Bucket, "doomed/file.txt", out _), Is.False);
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Delete_WithStaleGenerationPrecondition_Returns412AndKeepsObject(CancellationToken cancellationToken)
    {
        await Client.PutObjectAsync(Bucket, "kept", [1], cancellationToken);

        using var delete = await Client.Http.DeleteAsync($"/storage/v1/b/{Bucket}/o/kept?ifGenerationMatch=1", cancellationToken);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await StorageClient.ReadErrorReasonAsync(delete, HttpStatusCode.PreconditionFailed, cancellationToken),
                Is.EqualTo("conditionNotMet"));
            Assert.That(Emulator.TryGetObject(Bucket, "kept", out _), Is.True);
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Delete_MissingObject_Returns404NotFound(CancellationToken cancellationToken)
    {
        using var delete = await Client.Http.DeleteAsync($"/storage/v1/b/{Bucket}/o/never-was", cancellationToken);

        Assert.That(await StorageClient.ReadErrorReasonAsync(delete, HttpStatusCode.NotFound, cancellationToken), Is.EqualTo("notFound"));
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Get_MissingObject_Returns404InGoogleErrorShapeNamingTheObject(CancellationToken cancellationToken)
    {
        using var response = await Client.GetObjectAsync(Bucket, "missing/object.json", cancellationToken);
        var body = await StorageClient.ReadObjectAsync(response, HttpStatusCode.NotFound, cancellationToken);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
            Assert.That(body["error"]!["code"]!.GetValue<int>(), Is.EqualTo(404));
            Assert.That(body["error"]!["message"]!.GetValue<string>(), Is.EqualTo($"No such object: {Bucket}/missing/object.json"));
            Assert.That(body["error"]!["errors"]![0]!["reason"]!.GetValue<string>(), Is.EqualTo("notFound"));
            Assert.That(body["error"]!["errors"]![0]!["domain"]!.GetValue<string>(), Is.EqualTo("global"));
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Get_InMissingBucket_Returns404NotFound(CancellationToken cancellationToken)
    {
        using var response = await Client.GetObjectAsync("no-such-bucket", "x", cancellationToken);

        Assert.That(await StorageClient.ReadErrorReasonAsync(response, HttpStatusCode.NotFound, cancellationToken), Is.EqualTo("notFound"));
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Get_NameWithEncodedSpecialCharacters_IsDecodedExactlyOnce(CancellationToken cancellationToken)
    {
        const string name = "odd/100%25 done+more?#.txt";
        await Client.PutObjectAsync(Bucket, name, [7], cancellationToken);

        using var response = await Client.GetObjectAsync(Bucket, name, cancellationToken);
        var resource = await StorageClient.ReadObjectAsync(response, HttpStatusCode.OK, cancellationToken);

        Assert.That(StorageClient.Text(resource, "name"), Is.EqualTo(name));
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task JsonApi_WithoutStorageV1Prefix_ServesTheSameResources(CancellationToken cancellationToken)
    {
        // The Node client uses STORAGE_EMULATOR_HOST as its JSON API base, so it calls /b/... directly.
        await Client.PutObjectAsync(Bucket, "short/path", [1], cancellationToken);

        using var response = await Client.Http.GetAsync($"/b/{Bucket}/o/short%2Fpath", cancellationToken);
        var resource = await StorageClient.ReadObjectAsync(response, HttpStatusCode.OK, cancellationToken);

        Assert.That(StorageClient.Text(resource, "name"), Is.EqualTo("short/path"));
    }

    [TestCase("GET", "/storage/v1/nothing-here", HttpStatusCode.NotFound, "notFound")]
    [TestCase("PATCH", "/storage/v1/b/{0}", HttpStatusCode.MethodNotAllowed, "methodNotAllowed")]
    [CancelAfter(10_000)]
    public async Task UnknownRouteOrMethod_ReturnsGoogleShapedError(
        string method, string path, HttpStatusCode expected, string reason, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), string.Format(path, Bucket));

        using var response = await Client.Http.SendAsync(request, cancellationToken);

        Assert.That(await StorageClient.ReadErrorReasonAsync(response, expected, cancellationToken), Is.EqualTo(reason));
    }
}
