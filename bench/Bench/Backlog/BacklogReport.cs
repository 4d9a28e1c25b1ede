using System.Globalization;
using System.Text;
using PullWorker.Bench.Reporting;
using SkiaSharp;
using static PullWorker.Bench.Reporting.Markdown;

namespace PullWorker.Bench.Backlog;

internal static class BacklogReport
{
    public const string Chart = "backlog-rss.png";

    public static void Write(StringBuilder report, Measured<BacklogResult> measured, string directory)
    {
        var result = measured.Result;
        report.AppendLine("## 4. Memory under backlog").AppendLine();
        Measured(report, measured.Machine);
        report.AppendLine(CultureInfo.InvariantCulture,
            $"{N(result.QueuedJobs)} tiny-MLP jobs queued in the emulator (in the bench process) before the worker starts as its own process (`dotnet PullWorker.Worker.dll`, default flow control: " +
            $"at most {N(result.MaxOutstandingMessages)} messages outstanding). The worker's VmRSS is read from /proc every 250 ms from ready until the backlog is drained (or 3 minutes).")
            .AppendLine();
        var half = result.Samples.Where(s => s.Seconds >= result.Seconds / 2).Select(s => s.ResidentMegabytes).DefaultIfEmpty(double.NaN).ToArray();
        Table(report, ["queued", "done", "seconds", "jobs/s", "RSS at ready (MB)", "peak RSS (MB)", "peak RSS, second half (MB)", "samples"],
        [
            [N(result.QueuedJobs), N(result.JobsDone), N(result.Seconds, 1), N(result.JobsPerSecond), N(result.ResidentAtReadyMegabytes), N(result.PeakResidentMegabytes), N(half.Max()), N(result.Samples.Count)],
        ]);
        var every = Math.Max(1, result.Samples.Count / 12);
        report.AppendLine("The series (every " + every.ToString(CultureInfo.InvariantCulture) + "th sample):").AppendLine();
        Table(report, ["seconds since ready", "RSS (MB)", "jobs still queued"],
            result.Samples.Where((_, i) => i % every == 0 || i == result.Samples.Count - 1)
                .Select(s => (IReadOnlyList<string>)[N(s.Seconds, 1), N(s.ResidentMegabytes), N(s.Backlog)]));
        report.AppendLine(CultureInfo.InvariantCulture, $"![worker RSS over time while draining the backlog]({Chart})").AppendLine();
        LineChart.Render(
            new ChartSpec($"Worker RSS while draining {N(result.QueuedJobs)} queued jobs", "seconds since ready", "VmRSS (MB)",
                [new ChartSeries("worker VmRSS", new SKColor(31, 119, 180), false, [.. result.Samples.Select(s => (s.Seconds, s.ResidentMegabytes))])]),
            Path.Combine(directory, Chart));
    }
}
