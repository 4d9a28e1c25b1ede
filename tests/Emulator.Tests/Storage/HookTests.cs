namespace PullWorker.Emulator.Tests.Storage;

public sealed class HookTests : StorageTestBase
{
    [Test]
    [CancelAfter(10_000)]
    public async Task TryGetObjectAndListObjects_SeeWhatHttpClientsUploaded(CancellationToken cancellationToken)
    {
        await Client.PutObjectAsync(Bucket, "p/one", [1], cancellationToken, "text/plain");
        await Client.PutObjectAsync(Bucket, "p/two", [2, 2], cancellationToken);
        await Client.PutObjectAsync(Bucket, "q/three", [3], cancellationToken);

        var found = Emulator.TryGetObject(Bucket, "p/one", out var one);
        var listed = Emulator.ListObjects(Bucket, "p/");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(found, Is.True);
            Assert.That(one!.ContentType, Is.EqualTo("text/plain"));
            Assert.That(one.Bucket, Is.EqualTo(Bucket));
            Assert.That(one.Data.ToArray(), Is.EqualTo(new byte[] { 1 }));
            Assert.That(listed.Select(obj => obj.Name), Is.EqualTo(new[] { "p/one", "p/two" }));
            Assert.That(Emulator.ListObjects(Bucket), Has.Count.EqualTo(3));
        }
    }

    [Test]
    public void TryGetObject_UnknownBucketOrObject_ReturnsFalse()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Emulator.TryGetObject("no-such-bucket", "x", out _), Is.False);
            Assert.That(Emulator.TryGetObject(Bucket, "x", out _), Is.False);
        }
    }

    [Test]
    public void ListObjects_UnknownBucket_ThrowsKeyNotFound() =>
        Assert.That(() => Emulator.ListObjects("no-such-bucket"), Throws.InstanceOf<KeyNotFoundException>());

    [Test]
    [CancelAfter(10_000)]
    public async Task CreateBucket_IsIdempotentAndVisibleOverHttp(CancellationToken cancellationToken)
    {
        Emulator.CreateBucket("hooked-bucket");
        Emulator.CreateBucket("hooked-bucket");

        using var response = await Client.Http.GetAsync("/storage/v1/b/hooked-bucket", cancellationToken);

        Assert.That(response.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK));
    }

    [TestCase("UPPER")]
    [TestCase("-leading-dash")]
    [TestCase("x")]
    public void CreateBucket_InvalidName_ThrowsArgumentException(string name) =>
        Assert.That(() => Emulator.CreateBucket(name), Throws.ArgumentException.With.Message.Contains(name));
}
