using System.Net;
using Microsoft.Extensions.Time.Testing;
using PullWorker.Emulator.Storage;

namespace PullWorker.Emulator.Tests.Storage;

public sealed class FaultTests : StorageTestBase
{
    [Test]
    [CancelAfter(10_000)]
    public async Task FailNext_FailsExactlyThatManyRequestsWithGoogleBody_AndChangesNothing(CancellationToken cancellationToken)
    {
        var countBefore = Emulator.RequestCount;
        Emulator.Faults.FailNext(2, 503);

        using var first = await Client.UploadMediaAsync(Bucket, "flaky", [1], cancellationToken);
        using var second = await Client.UploadMediaAsync(Bucket, "flaky", [1], cancellationToken);
        var existedAfterFailures = Emulator.TryGetObject(Bucket, "flaky", out _);
        using var third = await Client.UploadMediaAsync(Bucket, "flaky", [1], cancellationToken);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await StorageClient.ReadErrorReasonAsync(first, HttpStatusCode.ServiceUnavailable, cancellationToken), Is.EqualTo("backendError"));
            Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(existedAfterFailures, Is.False);
            Assert.That(third.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(Emulator.RequestCount - countBefore, Is.EqualTo(3));
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task FailNext_CalledTwice_QueuesTheSecondBatchBehindTheFirst(CancellationToken cancellationToken)
    {
        Emulator.Faults.FailNext(1, 429);
        Emulator.Faults.FailNext(1, 500);

        using var first = await Client.Http.GetAsync($"/storage/v1/b/{Bucket}", cancellationToken);
        using var second = await Client.Http.GetAsync($"/storage/v1/b/{Bucket}", cancellationToken);
        using var third = await Client.Http.GetAsync($"/storage/v1/b/{Bucket}", cancellationToken);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await StorageClient.ReadErrorReasonAsync(first, HttpStatusCode.TooManyRequests, cancellationToken), Is.EqualTo("rateLimitExceeded"));
            Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
            Assert.That(third.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task ErrorRate_Half_FailsAboutHalfWithConfiguredStatuses_AndFailedUploadsLeaveNoObject(CancellationToken cancellationToken)
    {
        Emulator.Faults.Seed = 42;
        Emulator.Faults.ErrorStatuses = [503, 429];
        Emulator.Faults.ErrorRate = 0.5;

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 200; i++)
        {
            using var response = await Client.UploadMediaAsync(Bucket, $"random/{i}", [1], cancellationToken);
            statuses.Add(response.StatusCode);
        }

        var succeeded = Enumerable.Range(0, 200).Where(i => statuses[i] == HttpStatusCode.OK).Select(i => $"random/{i}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(statuses.Count(status => status == HttpStatusCode.OK), Is.InRange(60, 140));
            Assert.That(statuses.Distinct(), Is.EquivalentTo(new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable, HttpStatusCode.TooManyRequests }));
            Assert.That(Emulator.ListObjects(Bucket, "random/").Select(obj => obj.Name), Is.EquivalentTo(succeeded));
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task ErrorRate_One_FailsEverything_ResetRestoresService(CancellationToken cancellationToken)
    {
        Emulator.Faults.ErrorRate = 1;
        using var failed = await Client.Http.GetAsync($"/storage/v1/b/{Bucket}", cancellationToken);
        Emulator.Faults.Reset();
        using var served = await Client.Http.GetAsync($"/storage/v1/b/{Bucket}", cancellationToken);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(failed.StatusCode, Is.AnyOf(HttpStatusCode.ServiceUnavailable, HttpStatusCode.TooManyRequests));
            Assert.That(served.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task InjectedFailureOnResumableChunk_LeavesSessionResumable(CancellationToken cancellationToken)
    {
        const int block = 256 * 1024;
        var data = StorageClient.RandomBytes(block + 100, seed: 8);
        var session = await Client.StartResumableAsync(Bucket, "survivor", cancellationToken);
        using var first = await Client.PutChunkAsync(session, $"bytes 0-{block - 1}/*", data.AsMemory(0, block), cancellationToken);

        Emulator.Faults.FailNext(1, 503);
        using var failed = await Client.PutChunkAsync(
            session, $"bytes {block}-{data.Length - 1}/{data.Length}", data.AsMemory(block), cancellationToken);
        using var status = await Client.PutChunkAsync(session, "bytes */*", ReadOnlyMemory<byte>.Empty, cancellationToken);
        using var retried = await Client.PutChunkAsync(
            session, $"bytes {block}-{data.Length - 1}/{data.Length}", data.AsMemory(block), cancellationToken);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(status.Headers.GetValues("Range").Single(), Is.EqualTo($"bytes=0-{block - 1}"));
            Assert.That(retried.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await Client.DownloadAsync(Bucket, "survivor", cancellationToken), Is.EqualTo(data));
        }
    }

    [Test]
    public void Faults_InvalidSettings_AreRejected()
    {
        var faults = Emulator.Faults;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => faults.ErrorRate = 1.5, Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => faults.ErrorStatuses = [], Throws.ArgumentException);
            Assert.That(() => faults.ErrorStatuses = [200], Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => faults.FailNext(1, 302), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => faults.Latency = TimeSpan.FromSeconds(-1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        }
    }
}

/// <summary>Latency runs on the emulator's clock, so a fake clock holds requests until it is advanced.</summary>
public sealed class FaultLatencyTests : StorageTestBase
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));

    protected override EmulatorOptions Options => EmulatorOptions.DynamicPorts with { Time = _time };

    [Test]
    [CancelAfter(10_000)]
    public async Task Latency_HoldsEachRequestUntilTheClockPassesIt(CancellationToken cancellationToken)
    {
        Emulator.Faults.Latency = TimeSpan.FromMinutes(5);
        var countBefore = Emulator.RequestCount;

        var pending = Client.Http.GetAsync($"/storage/v1/b/{Bucket}", cancellationToken);
        while (Emulator.RequestCount == countBefore)
        {
            await Task.Delay(10, cancellationToken);
        }

        var completedEarly = await Task.WhenAny(pending, Task.Delay(200, cancellationToken)) == pending;
        var advances = 0;
        while (!pending.IsCompleted)
        {
            _time.Advance(TimeSpan.FromMinutes(1));
            advances++;
            await Task.WhenAny(pending, Task.Delay(20, cancellationToken));
        }

        using var response = await pending;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(completedEarly, Is.False);
            Assert.That(advances, Is.GreaterThanOrEqualTo(5));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task Dispose_WithRequestHeldByLatency_FinishesAndAbortsTheRequest(CancellationToken cancellationToken)
    {
        var emulator = await StorageEmulator.StartAsync(Options, cancellationToken);
        using var client = StorageClient.For(emulator.EmulatorHost);
        emulator.Faults.Latency = TimeSpan.FromHours(1);
        var pending = client.Http.GetAsync("/storage/v1/b/anything", cancellationToken);
        while (emulator.RequestCount == 0)
        {
            await Task.Delay(10, cancellationToken);
        }

        await emulator.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);

        Assert.That(async () => await pending, Throws.InstanceOf<HttpRequestException>());
    }
}
