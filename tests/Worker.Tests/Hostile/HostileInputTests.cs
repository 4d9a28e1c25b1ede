using System.Diagnostics;

namespace PullWorker.Worker.Tests.Hostile;

/// <summary>
/// The generated corpus of malformed and hostile messages, with valid jobs interleaved, through two real workers
/// (a JSON pipeline and an image-only pipeline for raw messages) on the emulator: every message gets exactly one
/// result with the right code and a message naming the problem, nothing is written elsewhere, nothing is redelivered,
/// and memory stays bounded.
/// </summary>
[TestFixture]
public sealed class HostileInputTests
{
    private const long PeakWorkingSetCap = 1536L * 1024 * 1024;

    // Live heap after full collections, median of the last third against the first: a generous cap on the whole
    // process. What legitimately grows is in flight (up to 100 MB of flow control per worker) and process-wide pools
    // (ArrayPool.Shared keeps some of the 10 MB buffers the big messages rented): measured +100 to +190 MB, all of it
    // still there after the workers are disposed. The precise leak check is the next one.
    private const long HeapGrowthAllowance = 320L * 1024 * 1024;

    // What the two workers themselves still hold once every message is answered: disposing them must free less
    // (measured: under 2 MB). A worker keeping every message's bytes would hold ~300 MB after the 5,000-case run.
    private const long WorkerRetainedAllowance = 32L * 1024 * 1024;

    [Test]
    public void Corpus_FirstFiveHundred_HoldEveryKind()
    {
        var kinds = HostileCorpus.Generate(500).Select(c => c.Kind).ToHashSet(StringComparer.Ordinal);

        Assert.That(HostileCorpus.AllKinds.Where(kind => !kinds.Contains(kind)), Is.Empty);
    }

    [Test]
    public void Corpus_SameSeed_SameBytes()
    {
        var first = HostileCorpus.Make(1234);
        var again = HostileCorpus.Make(1234);

        Assert.Multiple(() =>
        {
            Assert.That(again.Data, Is.EqualTo(first.Data));
            Assert.That(again.Kind, Is.EqualTo(first.Kind));
        });
    }

    [Test]
    [CancelAfter(150_000)]
    public Task Workers_FiveHundredHostileMessages_AnswerEachExactlyOnceAndStayBounded(CancellationToken cancellationToken) =>
        RunCorpusAsync(500, cancellationToken);

    [Test]
    [Category("Slow")]
    [CancelAfter(600_000)]
    public Task Workers_FiveThousandHostileMessages_AnswerEachExactlyOnceAndStayBounded(CancellationToken cancellationToken) =>
        RunCorpusAsync(5000, cancellationToken);

    private static async Task RunCorpusAsync(int count, CancellationToken cancellationToken)
    {
        await using var mixed = await HostileWorker.StartAsync("hostile-mixed", HostileModels.Mixed(), new Dictionary<string, string?>(), cancellationToken);
        await using var raw = await HostileWorker.StartAsync(
            "hostile-raw",
            HostileModels.ImageOnly(),
            new Dictionary<string, string?> { ["Jobs:MaxMessageBytes"] = HostileKinds.RawMaxMessageBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            cancellationToken);
        var readOnlyBefore = (mixed.ReadOnlyBucketsSnapshot(), raw.ReadOnlyBucketsSnapshot());

        var clock = Stopwatch.StartNew();
        await using var sampler = new MemorySampler(TimeSpan.FromMilliseconds(50), TimeProvider.System);
        foreach (var hostileCase in HostileCorpus.Generate(count))
        {
            await (hostileCase.Target == HostileTarget.Mixed ? mixed : raw).AddAsync(hostileCase, cancellationToken);
        }

        await mixed.FlushAsync(cancellationToken);
        await raw.FlushAsync(cancellationToken);
        await Task.WhenAll(mixed.WaitForAllResultsAsync(cancellationToken), raw.WaitForAllResultsAsync(cancellationToken));
        var elapsed = clock.Elapsed;
        var samples = await sampler.StopAsync();

        var stillRunning = (!mixed.App.Lifetime.ApplicationStopping.IsCancellationRequested, !raw.App.Lifetime.ApplicationStopping.IsCancellationRequested);
        await mixed.App.StopAsync(cancellationToken);
        await raw.App.StopAsync(cancellationToken);
        var liveHeapStopped = MemorySampler.LiveHeapBytes();
        await mixed.App.DisposeAsync();
        await raw.App.DisposeAsync();
        var liveHeapWithoutWorkers = MemorySampler.LiveHeapBytes();

        var problems = HostileVerdict.Problems(mixed).Concat(HostileVerdict.Problems(raw)).ToList();
        var memory = MemoryTrend.Of(samples);
        await TestContext.Out.WriteLineAsync(
            $"{count} messages ({mixed.Published.Count} JSON, {raw.Published.Count} raw) answered in {elapsed.TotalSeconds:F1} s; " +
            $"peak working set {memory.PeakWorkingSet / 1048576} MB; live managed heap median {memory.FirstThirdHeapMedian / 1048576} MB " +
            $"(first third) -> {memory.LastThirdHeapMedian / 1048576} MB (last third); live heap with the stopped workers " +
            $"{liveHeapStopped / 1048576} MB, without them {liveHeapWithoutWorkers / 1048576} MB; {samples.Count} samples");
        Assert.Multiple(() =>
        {
            Assert.That(mixed.Published.Count + raw.Published.Count, Is.EqualTo(count));
            Assert.That(stillRunning, Is.EqualTo((true, true)), "both workers still running at the end");
            Assert.That(problems.Take(40), Is.Empty, $"{problems.Count} problems; the first 40 are listed");
            Assert.That((mixed.ReadOnlyBucketsSnapshot(), raw.ReadOnlyBucketsSnapshot()), Is.EqualTo(readOnlyBefore), "input and private buckets unchanged");
            foreach (var worker in new[] { mixed, raw })
            {
                var stats = worker.Deployment.Emulator.PubSub.GetStats(worker.Deployment.Subscription);
                Assert.That(stats.Backlog, Is.Zero, $"{worker.Deployment.Subscription}: backlog");
                Assert.That(stats.Nacked, Is.Zero, $"{worker.Deployment.Subscription}: no message given back as 'not its fault'");
                Assert.That(stats.Expired, Is.Zero, $"{worker.Deployment.Subscription}: no lease expired");
                Assert.That(stats.Delivered, Is.EqualTo(worker.Published.Count), $"{worker.Deployment.Subscription}: each message delivered once");
            }

            Assert.That(memory.PeakWorkingSet, Is.LessThan(PeakWorkingSetCap), "peak working set");
            Assert.That(memory.LastThirdHeapMedian, Is.LessThan(memory.FirstThirdHeapMedian + HeapGrowthAllowance), "no growth trend in the managed heap");
            Assert.That(liveHeapStopped - liveHeapWithoutWorkers, Is.LessThan(WorkerRetainedAllowance), "managed heap the workers retain once every message is answered");
        });
    }
}
