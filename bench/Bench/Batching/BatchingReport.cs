using System.Globalization;
using System.Text;
using PullWorker.Bench.Reporting;
using PullWorker.Inference.Configuration;
using SkiaSharp;
using static System.FormattableString;
using static PullWorker.Bench.Reporting.Markdown;

namespace PullWorker.Bench.Batching;

internal static class BatchingReport
{
    public const string ThroughputChart = "batching-throughput.png";
    public const string LatencyChart = "batching-p99.png";

    public static void Write(StringBuilder report, Measured<BatchingResult> measured, string directory)
    {
        var result = measured.Result;
        var defaults = new BatchingOptions();
        report.AppendLine("## 3. Batching curve").AppendLine();
        Measured(report, measured.Machine);
        report.AppendLine(
            Invariant($"The two-model pipeline of part 2 on the engine. Throughput: a closed loop of 2 x MaxBatchSize callers, MaxDelay 0. Latency: Poisson arrivals at one rate for every setting, ") +
            Invariant($"{N(result.OfferedPerSecond)} jobs/s (70 % of the closed-loop capacity at MaxBatchSize {defaults.MaxBatchSize}); a setting that cannot keep up shows as a completed rate below it and a large p99. ") +
            "The engine queues 4 x MaxBatchSize items before a caller waits.")
            .AppendLine();
        Table(report, ["MaxBatchSize", "closed-loop jobs/s", "mean batch"],
            result.Capacities.Select(c => (IReadOnlyList<string>)[N(c.MaxBatchSize), N(c.JobsPerSecond), N(c.MeanBatchSize, 1)]));
        Table(report, ["MaxBatchSize", "MaxDelay ms", "completed jobs/s", "mean batch", "p50 ms", "p99 ms"],
            result.Points.Select(p => (IReadOnlyList<string>)
                [N(p.MaxBatchSize), N(p.MaxDelayMilliseconds), N(p.CompletedPerSecond), N(p.MeanBatchSize, 1), N(p.Latency.P50, 1), N(p.Latency.P99, 1)]));
        report.AppendLine(
            Invariant($"**Defaults picked from this run** by rule ({result.Rule}): MaxBatchSize **{result.ChosenMaxBatchSize}**, MaxDelay **{N(result.ChosenMaxDelayMilliseconds)} ms**. ") +
            Invariant($"The shipped defaults are MaxBatchSize {defaults.MaxBatchSize}, MaxDelay {N(defaults.MaxDelay.TotalMilliseconds)} ms") +
            (result.ChosenMaxBatchSize == defaults.MaxBatchSize && result.ChosenMaxDelayMilliseconds == defaults.MaxDelay.TotalMilliseconds
                ? ": this run confirms them."
                : "; this run alone would change them to the values above, but a CPU curve understates what larger batches gain on a GPU, so treat it as one input."))
            .AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"![throughput against MaxBatchSize]({ThroughputChart})").AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"![p99 latency against MaxBatchSize]({LatencyChart})").AppendLine();

        double[] sizes = [.. result.Capacities.Select(c => (double)c.MaxBatchSize)];
        LineChart.Render(
            new ChartSpec("Closed-loop throughput vs MaxBatchSize", "Batching:MaxBatchSize (log scale)", "jobs/s",
                [new ChartSeries("jobs/s (MaxDelay 0)", new SKColor(31, 119, 180), false, [.. result.Capacities.Select(c => ((double)c.MaxBatchSize, c.JobsPerSecond))])],
                LogX: true, XTicks: sizes),
            Path.Combine(directory, ThroughputChart));
        SKColor[] colors = [new(31, 119, 180), new(255, 127, 14), new(44, 160, 44), new(214, 39, 40)];
        var delays = result.Points.Select(p => p.MaxDelayMilliseconds).Distinct().ToArray();
        LineChart.Render(
            new ChartSpec($"p99 latency at {N(result.OfferedPerSecond)} jobs/s offered", "Batching:MaxBatchSize (log scale)", "p99 latency (ms, log scale)",
                [.. delays.Select((delay, i) => new ChartSeries($"MaxDelay {N(delay)} ms", colors[i % colors.Length], i % 2 == 1,
                    [.. result.Points.Where(p => p.MaxDelayMilliseconds == delay).Select(p => ((double)p.MaxBatchSize, p.Latency.P99))]))],
                LogX: true, LogY: true, XTicks: sizes),
            Path.Combine(directory, LatencyChart));
    }
}
