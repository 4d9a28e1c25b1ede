using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace PullWorker.Emulator.Tests.Storage;

/// <summary>Timestamps, generations and session lifetimes come from the injected clock.</summary>
public sealed class TimeTests : StorageTestBase
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-03-04T05:06:07.891Z"));

    protected override EmulatorOptions Options => EmulatorOptions.DynamicPorts with { Time = _time };

    [Test]
    [CancelAfter(10_000)]
    public async Task Upload_TimestampsAndGeneration_ComeFromTheInjectedClock(CancellationToken cancellationToken)
    {
        var created = await Client.PutObjectAsync(Bucket, "stamped", [1], cancellationToken);

        var expectedMicros = (_time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / 10;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(StorageClient.Text(created, "timeCreated"), Is.EqualTo(_time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ")));
            Assert.That(StorageClient.Text(created, "updated"), Is.EqualTo(StorageClient.Text(created, "timeCreated")));
            Assert.That(long.Parse(StorageClient.Text(created, "generation")), Is.GreaterThanOrEqualTo(expectedMicros));
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Uploads_WithFrozenClock_StillGetStrictlyIncreasingGenerations(CancellationToken cancellationToken)
    {
        var generations = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            var created = await Client.PutObjectAsync(Bucket, "frozen", [(byte)i], cancellationToken);
            generations.Add(long.Parse(StorageClient.Text(created, "generation")));
        }

        Assert.That(generations, Is.Ordered.Ascending.And.Unique);
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task ResumableSession_OlderThanAWeek_Returns404(CancellationToken cancellationToken)
    {
        var session = await Client.StartResumableAsync(Bucket, "slow", cancellationToken);
        using var fresh = await Client.PutChunkAsync(session, "bytes */*", ReadOnlyMemory<byte>.Empty, cancellationToken);

        _time.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));
        using var expired = await Client.PutChunkAsync(session, "bytes */*", ReadOnlyMemory<byte>.Empty, cancellationToken);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((int)fresh.StatusCode, Is.EqualTo(308));
            Assert.That(expired.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }
    }
}
