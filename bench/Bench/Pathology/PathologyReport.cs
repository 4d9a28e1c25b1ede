using System.Globalization;
using System.Text;
using PullWorker.Bench.Reporting;
using SkiaSharp;
using static System.FormattableString;
using static PullWorker.Bench.Reporting.Markdown;

namespace PullWorker.Bench.Pathology;

internal static class PathologyReport
{
    public const string Chart = "pathology-latency.png";

    public static void Write(StringBuilder report, Measured<PathologyResult> measured, string directory)
    {
        var result = measured.Result;
        report.AppendLine("## 2. The interleaving pathology (the Recruit Data Blog's, docs/architecture.md), measured").AppendLine();
        Measured(report, measured.Machine);
        report.AppendLine(
            "Model A (conv 3->32 -> conv 32->64, output [N, 64, 32, 32]) -> reshape to [N, 256, 16, 16] -> model B (conv 256->128 -> pool -> dense), about 0.19 GFLOP per job, " +
            "built with `OnnxModelBuilder`. Each variant's capacity is measured first in a closed loop; then Poisson arrivals are offered for a fixed time at 50, 80 and 95 % of " +
            "that variant's own capacity, the variants alternating at each level. Latency runs from a job's scheduled arrival to its completion.")
            .AppendLine();
        foreach (var variant in result.Variants)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"- **{variant.Name}**: {variant.Description}; capacity {N(variant.CapacityPerSecond)} jobs/s.");
        }

        report.AppendLine(CultureInfo.InvariantCulture,
            $"- The naive server's thread pool keeps at least {result.NaiveThreadPoolMinimum} threads, like FastAPI's pool for synchronous endpoints, so requests wait at the locks rather than for threads.")
            .AppendLine();
        Table(report, ["variant", "load", "offered jobs/s", "completed jobs/s", "jobs", "p50 ms", "p90 ms", "p99 ms", "p90/p50"],
            result.Variants.SelectMany(v => v.Points.Select(p => (IReadOnlyList<string>)
            [
                v.Name, p.Fraction.ToString("P0", CultureInfo.InvariantCulture), N(p.Run.OfferedPerSecond), N(p.Run.CompletedPerSecond), N(p.Run.Latency.Count),
                N(p.Run.Latency.P50, 1), N(p.Run.Latency.P90, 1), N(p.Run.Latency.P99, 1), N(p.Run.Latency.P90OverP50, 2),
            ])));

        var engine = result.Variants[0];
        var naive = result.Variants[1];
        var engineWorst = engine.Points.Max(p => p.Run.Latency.P90OverP50);
        var naiveWorst = naive.Points.Max(p => p.Run.Latency.P90OverP50);
        report.AppendLine(
            Invariant($"Worst p90/p50 over the three loads: {engine.Name} {N(engineWorst, 2)}, {naive.Name} {N(naiveWorst, 2)}. ") +
            Invariant($"Capacity: {engine.Name} {N(engine.CapacityPerSecond)} jobs/s against {N(naive.CapacityPerSecond)} jobs/s ({N(engine.CapacityPerSecond / naive.CapacityPerSecond, 2)}x). ") +
            "On this CPU-only machine the shared resource is the two cores rather than a GPU: when requests interleave, A and B run at the same time and each takes both cores' intra-op threads, " +
            "and a request that finished A queues again behind later requests at B, which is the mechanism the blog describes.")
            .AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"![latency percentiles against offered load]({Chart})").AppendLine();
        report.AppendLine(
            "The blog's own test, closed loop: N users each send their next request when the last returns (Locust). By Little's law mean latency = N / throughput; " +
            "the blog's symptom is latency far above one request's time and uneven across requests (p90/p50).")
            .AppendLine();
        Table(report, ["users", "(a) jobs/s", "(a) p50 ms", "(a) p90 ms", "(a) p99 ms", "(a) p90/p50", "(b) jobs/s", "(b) p50 ms", "(b) p90 ms", "(b) p99 ms", "(b) p90/p50"],
            result.Users.Select(u => (IReadOnlyList<string>)
            [
                N(u.Users), N(u.Engine.JobsPerSecond), N(u.Engine.Latency.P50, 1), N(u.Engine.Latency.P90, 1), N(u.Engine.Latency.P99, 1), N(u.Engine.Latency.P90OverP50, 2),
                N(u.Naive.JobsPerSecond), N(u.Naive.Latency.P50, 1), N(u.Naive.Latency.P90, 1), N(u.Naive.Latency.P99, 1), N(u.Naive.Latency.P90OverP50, 2),
            ]));

        // Both runs of (a) on one line by offered rate: its own fractions and (b)'s rates.
        var engineRuns = engine.Points.Concat(result.Variants.Skip(2).SelectMany(v => v.Points)).OrderBy(p => p.Run.OfferedPerSecond).ToArray();
        SKColor blue = new(31, 119, 180), red = new(214, 39, 40);
        List<ChartSeries> series =
        [
            .. Percentiles(engine.Name, blue, engineRuns),
            .. Percentiles(naive.Name, red, naive.Points),
        ];
        LineChart.Render(
            new ChartSpec("Two-model pipeline: latency vs offered load", "offered load (jobs/s, Poisson arrivals)", "latency (ms, log scale)", series, LogY: true),
            Path.Combine(directory, Chart));
    }

    private static IEnumerable<ChartSeries> Percentiles(string name, SKColor color, IReadOnlyList<LoadPoint> points) =>
    [
        new ChartSeries($"{name} p50", color, false, [.. points.Select(p => (p.Run.OfferedPerSecond, p.Run.Latency.P50))]),
        new ChartSeries($"{name} p90", color, true, [.. points.Select(p => (p.Run.OfferedPerSecond, p.Run.Latency.P90))]),
        new ChartSeries($"{name} p99", color.WithAlpha(120), true, [.. points.Select(p => (p.Run.OfferedPerSecond, p.Run.Latency.P99))]),
    ];
}
