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
        report.AppendLine("## 2. The seed's pathology, measured").AppendLine();
        Measured(report, measured.Machine);
        report.AppendLine(
            "Model A (conv 3->32 -> conv 32->32, output [N, 32, 32, 32]) -> reshape to [N, 128, 16, 16] -> model B (conv 128->64 -> pool -> dense), about 58 MFLOP per job, " +
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
            "and a request that finished A queues again behind later requests at B, which is the seed's mechanism.")
            .AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"![latency percentiles against offered load]({Chart})").AppendLine();

        SKColor[] colors = [new(31, 119, 180), new(214, 39, 40)];
        var series = new List<ChartSeries>();
        for (var i = 0; i < result.Variants.Count; i++)
        {
            var variant = result.Variants[i];
            series.Add(new ChartSeries($"{variant.Name} p50", colors[i], false, [.. variant.Points.Select(p => (p.Fraction * 100, p.Run.Latency.P50))]));
            series.Add(new ChartSeries($"{variant.Name} p90", colors[i], true, [.. variant.Points.Select(p => (p.Fraction * 100, p.Run.Latency.P90))]));
            series.Add(new ChartSeries($"{variant.Name} p99", colors[i].WithAlpha(140), true, [.. variant.Points.Select(p => (p.Fraction * 100, p.Run.Latency.P99))]));
        }

        LineChart.Render(
            new ChartSpec("Two-model pipeline: latency vs offered load", "offered load (% of the variant's capacity)", "latency (ms, log scale)", series, LogY: true, XTicks: [50, 80, 95]),
            Path.Combine(directory, Chart));
    }
}
