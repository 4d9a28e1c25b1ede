using System.Globalization;
using PullWorker.Jobs;
using PullWorker.Jobs.Results;

namespace PullWorker.Tools.Tests;

/// <summary>
/// <c>results --wait</c> keeps what it needs to count and report each result (id, status, error, times), not the
/// documents, and reads the listing a page at a time: its peak resident memory (VmHWM) for three times the results
/// grows by less than <see cref="MaxGrowthMegabytes"/>, though each document carries a 256-float embedding (about
/// 3 KB of JSON). Measured here: 104-108 MB for 5,000 results, 119-124 MB for 15,000; holding the documents, it was
/// 118 and 194 MB.
/// </summary>
[TestFixture]
public sealed class ResultsWaitMemoryTests
{
    private const int Small = 5_000;
    private const int Large = 15_000;
    private const int EmbeddingLength = 256;

    /// <summary>10,000 more results; the documents held (as bytes or parsed, with their outputs) added 76 MB.</summary>
    private const double MaxGrowthMegabytes = 30;

    [Test]
    [CancelAfter(240_000)]
    public async Task ResultsWait_ThreeTimesTheResults_PeakMemoryStaysWithinTheBound(CancellationToken cancellationToken)
    {
        await using var deployment = await LocalDeployment.CreateAsync("results-memory", cancellationToken);
        await UploadAsync(deployment, "small/", Small, cancellationToken);
        await UploadAsync(deployment, "large/", Large, cancellationToken);

        var small = await PeakMegabytesAsync(deployment, "small/", Small, cancellationToken);
        var large = await PeakMegabytesAsync(deployment, "large/", Large, cancellationToken);

        await TestContext.Out.WriteLineAsync($"results --wait peak memory: {small:F0} MB for {Small:N0} results, {large:F0} MB for {Large:N0}");
        Assert.That(large - small, Is.LessThan(MaxGrowthMegabytes));
    }

    private static Task UploadAsync(LocalDeployment deployment, string prefix, int count, CancellationToken cancellationToken)
    {
        var published = new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
        var model = new ModelInfo("embedder", new string('0', 64));
        return Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var embedding = Enumerable.Range(0, EmbeddingLength).Select(k => MathF.Sin(i + k)).ToArray();
                var outputs = new Dictionary<string, OutputTensor> { ["embedding"] = new OutputTensor<float>(embedding, [EmbeddingLength]) };
                var id = JobId.Parse($"job-{i:D6}");
                var result = JobResult.Succeeded(id, $"m{i}", outputs, model, published, published.AddSeconds(1), 1);
                await deployment.UploadAsync(LocalDeployment.ResultsBucket, $"{prefix}{id.Value}.json", result.ToUtf8Json(), "application/json", token);
            });
    }

    private static Task<double> PeakMegabytesAsync(LocalDeployment deployment, string prefix, int count, CancellationToken cancellationToken) =>
        ToolProcess.PeakMegabytesAsync(
            [
                "results", "--results", $"gs://{LocalDeployment.ResultsBucket}/{prefix}",
                "--wait", "--expect", count.ToString(CultureInfo.InvariantCulture),
            ],
            new Dictionary<string, string> { ["STORAGE_EMULATOR_HOST"] = deployment.Emulator.StorageEmulatorHost },
            cancellationToken);
}
