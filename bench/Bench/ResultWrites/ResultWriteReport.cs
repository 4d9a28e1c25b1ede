using System.Text;
using PullWorker.Bench.Reporting;
using static System.FormattableString;
using static PullWorker.Bench.Reporting.Markdown;

namespace PullWorker.Bench.ResultWrites;

internal static class ResultWriteReport
{
    public static void Write(StringBuilder report, Measured<ResultWriteResult> measured)
    {
        var result = measured.Result;
        report.AppendLine("## 6. Result writes").AppendLine();
        Measured(report, measured.Machine);
        report.AppendLine(
            Invariant($"{result.Setup}, {result.Concurrency} writes in flight (as the worker's Storage:WriteConcurrency bounds them), against the storage emulator in its own process with ") +
            Invariant($"{result.LatencyMilliseconds}-{result.LatencyMilliseconds + result.JitterMilliseconds} ms added to every request (uniform), as from a VM to Cloud Storage in its region. ") +
            "CPU is the bench process's `TotalProcessorTime` (the client alone); both paths alternate, two rounds each, after a warm-up.")
            .AppendLine();
        Table(report, ["path", "requests per write", "writes", "writes/s", "CPU µs per write"],
            result.Paths.Select(p => (IReadOnlyList<string>)[p.Name, N(p.RequestsPerWrite), N(p.Writes), N(p.WritesPerSecond), N(p.CpuMicrosecondsPerWrite)]));
        report.AppendLine(
            Invariant($"Ratio: the resumable upload costs {N(result.CpuRatio, 2)}x the CPU per write; the multipart path writes {N(result.ThroughputRatio, 2)}x as many per second. ") +
            $"Kept for the hot path: **{result.Kept}**, with the same credentials and the same `ifGenerationMatch=0` precondition (412 = already written).")
            .AppendLine();
    }
}
