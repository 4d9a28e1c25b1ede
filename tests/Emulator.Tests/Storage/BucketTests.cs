using System.Net;
using System.Text.Json.Nodes;

namespace PullWorker.Emulator.Tests.Storage;

public sealed class BucketTests : StorageTestBase
{
    [Test]
    [CancelAfter(10_000)]
    public async Task Insert_ThenGet_ReturnsBucketResource(CancellationToken cancellationToken)
    {
        await Client.CreateBucketAsync("fresh-bucket-1", cancellationToken);

        using var response = await Client.Http.GetAsync("/storage/v1/b/fresh-bucket-1", cancellationToken);
        var bucket = await StorageClient.ReadObjectAsync(response, HttpStatusCode.OK, cancellationToken);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(StorageClient.Text(bucket, "kind"), Is.EqualTo("storage#bucket"));
            Assert.That(StorageClient.Text(bucket, "name"), Is.EqualTo("fresh-bucket-1"));
            Assert.That(StorageClient.Text(bucket, "id"), Is.EqualTo("fresh-bucket-1"));
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Insert_ExistingBucket_Returns409Conflict(CancellationToken cancellationToken)
    {
        using var response = await Client.Http.PostAsync(
            "/storage/v1/b?project=test", StorageClient.JsonBody(new JsonObject { ["name"] = Bucket }), cancellationToken);

        Assert.That(await StorageClient.ReadErrorReasonAsync(response, HttpStatusCode.Conflict, cancellationToken), Is.EqualTo("conflict"));
    }

    [TestCase("/storage/v1/b", "{\"name\":\"no-project\"}", "required")]
    [TestCase("/storage/v1/b?project=test", "{}", "required")]
    [TestCase("/storage/v1/b?project=test", "{\"name\":\"Upper_Case\"}", "invalid")]
    [TestCase("/storage/v1/b?project=test", "{\"name\":\"ab\"}", "invalid")]
    [TestCase("/storage/v1/b?project=test", "{not json", "invalid")]
    [CancelAfter(10_000)]
    public async Task Insert_BadRequest_Returns400(string path, string body, string reason, CancellationToken cancellationToken)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        using var response = await Client.Http.PostAsync(path, content, cancellationToken);

        Assert.That(await StorageClient.ReadErrorReasonAsync(response, HttpStatusCode.BadRequest, cancellationToken), Is.EqualTo(reason));
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Get_MissingBucket_Returns404NotFound(CancellationToken cancellationToken)
    {
        using var response = await Client.Http.GetAsync("/storage/v1/b/does-not-exist", cancellationToken);

        Assert.That(await StorageClient.ReadErrorReasonAsync(response, HttpStatusCode.NotFound, cancellationToken), Is.EqualTo("notFound"));
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task List_ForProject_ReturnsItsBuckets(CancellationToken cancellationToken)
    {
        await Client.CreateBucketAsync("listed-bucket-1", cancellationToken);

        using var response = await Client.Http.GetAsync("/storage/v1/b?project=test", cancellationToken);
        var list = await StorageClient.ReadObjectAsync(response, HttpStatusCode.OK, cancellationToken);

        Assert.That(list["items"]!.AsArray().Select(item => item!["name"]!.GetValue<string>()), Does.Contain("listed-bucket-1"));
    }
}
