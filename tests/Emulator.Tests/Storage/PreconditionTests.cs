using System.Net;

namespace PullWorker.Emulator.Tests.Storage;

public sealed class PreconditionTests : StorageTestBase
{
    [Test]
    [CancelAfter(10_000)]
    public async Task IfGenerationMatchZero_WhenObjectExists_Returns412AndKeepsFirstContent(CancellationToken cancellationToken)
    {
        using var first = await Client.UploadMediaAsync(Bucket, "once", [1], cancellationToken, query: "&ifGenerationMatch=0");
        using var second = await Client.UploadMediaAsync(Bucket, "once", [2], cancellationToken, query: "&ifGenerationMatch=0");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await StorageClient.ReadErrorReasonAsync(second, HttpStatusCode.PreconditionFailed, cancellationToken),
                Is.EqualTo("conditionNotMet"));
            Assert.That(await Client.DownloadAsync(Bucket, "once", cancellationToken), Is.EqualTo(new byte[] { 1 }));
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task IfGenerationMatch_CurrentGeneration_Succeeds_StaleGeneration_Returns412(CancellationToken cancellationToken)
    {
        var created = await Client.PutObjectAsync(Bucket, "versioned", [1], cancellationToken);
        var generation = StorageClient.Text(created, "generation");

        using var matching = await Client.UploadMediaAsync(Bucket, "versioned", [2], cancellationToken, query: $"&ifGenerationMatch={generation}");
        using var stale = await Client.UploadMediaAsync(Bucket, "versioned", [3], cancellationToken, query: $"&ifGenerationMatch={generation}");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(matching.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(stale.StatusCode, Is.EqualTo(HttpStatusCode.PreconditionFailed));
            Assert.That(await Client.DownloadAsync(Bucket, "versioned", cancellationToken), Is.EqualTo(new byte[] { 2 }));
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task IfGenerationMatchNonZero_WhenObjectMissing_Returns412(CancellationToken cancellationToken)
    {
        using var response = await Client.UploadMediaAsync(Bucket, "absent", [1], cancellationToken, query: "&ifGenerationMatch=123");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.PreconditionFailed));
            Assert.That(Emulator.TryGetObject(Bucket, "absent", out _), Is.False);
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task IfGenerationNotMatch_CurrentGeneration_Returns412_OtherGeneration_Succeeds(CancellationToken cancellationToken)
    {
        var created = await Client.PutObjectAsync(Bucket, "not-match", [1], cancellationToken);
        var generation = StorageClient.Text(created, "generation");

        using var same = await Client.UploadMediaAsync(Bucket, "not-match", [2], cancellationToken, query: $"&ifGenerationNotMatch={generation}");
        using var other = await Client.UploadMediaAsync(Bucket, "not-match", [3], cancellationToken, query: "&ifGenerationNotMatch=1");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(same.StatusCode, Is.EqualTo(HttpStatusCode.PreconditionFailed));
            Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task IfMetagenerationMatch_Wrong_Returns412_Right_Succeeds(CancellationToken cancellationToken)
    {
        await Client.PutObjectAsync(Bucket, "meta", [1], cancellationToken);

        using var wrong = await Client.UploadMediaAsync(Bucket, "meta", [2], cancellationToken, query: "&ifMetagenerationMatch=2");
        using var right = await Client.UploadMediaAsync(Bucket, "meta", [3], cancellationToken, query: "&ifMetagenerationMatch=1");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.PreconditionFailed));
            Assert.That(right.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Get_WithIfGenerationMatchStale_Returns412_WithIfGenerationNotMatchCurrent_Returns304(CancellationToken cancellationToken)
    {
        var created = await Client.PutObjectAsync(Bucket, "read", [1], cancellationToken);
        var generation = StorageClient.Text(created, "generation");

        using var stale = await Client.GetObjectAsync(Bucket, "read", cancellationToken, "ifGenerationMatch=1");
        using var notModified = await Client.GetObjectAsync(Bucket, "read", cancellationToken, $"ifGenerationNotMatch={generation}");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(stale.StatusCode, Is.EqualTo(HttpStatusCode.PreconditionFailed));
            Assert.That(notModified.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Precondition_NotAnInteger_Returns400Invalid(CancellationToken cancellationToken)
    {
        using var response = await Client.UploadMediaAsync(Bucket, "x", [1], cancellationToken, query: "&ifGenerationMatch=abc");

        Assert.That(await StorageClient.ReadErrorReasonAsync(response, HttpStatusCode.BadRequest, cancellationToken), Is.EqualTo("invalid"));
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task CreateOnlyUploads_RacingForOneName_ExactlyOneWinsAndTheRestGet412(CancellationToken cancellationToken)
    {
        const int racers = 32;
        using var start = new SemaphoreSlim(0);
        var uploads = Enumerable.Range(0, racers).Select(async racer =>
        {
            await start.WaitAsync(cancellationToken);
            using var response = await Client.UploadMediaAsync(
                Bucket, "race", [(byte)racer], cancellationToken, query: "&ifGenerationMatch=0");
            return (Racer: racer, response.StatusCode);
        }).ToList();
        start.Release(racers);
        var results = await Task.WhenAll(uploads);

        var winners = results.Where(result => result.StatusCode == HttpStatusCode.OK).ToList();
        var stored = await Client.DownloadAsync(Bucket, "race", cancellationToken);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(winners, Has.Count.EqualTo(1));
            Assert.That(results.Count(result => result.StatusCode == HttpStatusCode.PreconditionFailed), Is.EqualTo(racers - 1));
            Assert.That(stored, Is.EqualTo(new[] { (byte)winners.Single().Racer }));
        }
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task ConcurrentWriters_ManyObjects_GetDistinctStrictlyIncreasingGenerations(CancellationToken cancellationToken)
    {
        var uploads = Enumerable.Range(0, 64)
            .Select(i => Client.PutObjectAsync(Bucket, $"parallel/{i}", [(byte)i], cancellationToken))
            .ToList();
        var created = await Task.WhenAll(uploads);
        var generations = created.Select(resource => long.Parse(StorageClient.Text(resource, "generation"))).ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(generations, Is.Unique);
            Assert.That(Emulator.ListObjects(Bucket, "parallel/"), Has.Count.EqualTo(64));
        }
    }
}
