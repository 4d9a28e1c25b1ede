using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PullWorker.Jobs;
using PullWorker.Jobs.Results;
using PullWorker.Storage;
using PullWorker.Worker.ResultStorage;
using PullWorker.Worker.Tests.TestSupport;

namespace PullWorker.Worker.Tests.ResultStorage;

/// <summary>Prints result writes per second against the local emulator; run on demand, asserts only correctness.</summary>
[Explicit("measurement, run on demand")]
[Category("Benchmark")]
public sealed class ResultWriterThroughput : StorageEmulatorFixture
{
    [TestCase(2000, 5)]
    [CancelAfter(120_000)]
    public async Task WriteMany_PrintsWritesPerSecond(int jobs, int latencyMs, CancellationToken cancellationToken)
    {
        Emulator.Faults.Latency = TimeSpan.FromMilliseconds(latencyMs);
        var prefix = UniquePrefix();
        using var writer = new ResultWriter(
            Client, new GcsUri(ResultsBucket, prefix), Options, Services.GetRequiredService<ILogger<ResultWriter>>());
        var outputs = new Dictionary<string, OutputTensor> { ["probabilities"] = new OutputTensor<float>(new float[10], [10]) };
        var model = new ModelInfo("mnist", "9f86d081");
        var now = DateTimeOffset.UtcNow;
        var results = Enumerable.Range(0, jobs)
            .Select(i => JobResult.Succeeded(JobId.Parse($"job-{i}"), i.ToString(CultureInfo.InvariantCulture), outputs, model, now, now, 1))
            .ToList();

        var clock = Stopwatch.StartNew();
        var outcomes = await Task.WhenAll(results.Select(r => writer.WriteAsync(r, cancellationToken)));
        clock.Stop();

        TestContext.Out.WriteLine(
            $"{jobs} results, {latencyMs} ms added latency, WriteConcurrency {Options.Value.WriteConcurrency}: "
            + $"{clock.Elapsed.TotalSeconds:F2} s, {jobs / clock.Elapsed.TotalSeconds:F0} writes/s");
        Assert.That(outcomes, Has.All.EqualTo(ResultWriteOutcome.Written));
    }
}
