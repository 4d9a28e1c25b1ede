using System.Globalization;
using System.Text;
using PullWorker.Bench.Reporting;
using static System.FormattableString;
using static PullWorker.Bench.Reporting.Markdown;

namespace PullWorker.Bench.Throughput;

internal static class ThroughputReport
{
    public static void Write(StringBuilder report, Measured<ThroughputResult> measured)
    {
        var result = measured.Result;
        report.AppendLine("## 1. Throughput and overhead").AppendLine();
        Measured(report, measured.Machine);
        report.AppendLine(
            Invariant($"End to end: the worker host (`WorkerHost.Build`) in the bench process against the in-process emulator, default settings (Batching:MaxBatchSize {result.MaxBatchSize}, MaxDelay {result.MaxDelayMilliseconds} ms, CPU). ") +
            "All jobs (JSON, tensor as `b64`) are published with delivery paused; the clock starts when the worker is ready and delivery resumes, and stops when the emulator has counted every ack " +
            "(pull, decode, batch, infer, write the result object, ack). Raw: one `InferenceSession` with the engine's session options, `Run` on one thread over the very batch sizes the worker executed, in order, inputs prepared beforehand.")
            .AppendLine();
        Table(report, ["model", "jobs", "mean batch", "end to end jobs/s", "raw jobs/s", "ratio", "CPU s / 1,000 jobs (e2e)", "CPU s / 1,000 jobs (raw)", "peak working set e2e (MB)", "peak working set raw (MB)"],
            result.Models.Select(m => (IReadOnlyList<string>)
            [
                m.Name, N(m.Jobs), N(m.MeanBatchSize, 1), N(m.EndToEnd.JobsPerSecond), N(m.Raw.JobsPerSecond), m.Ratio >= 0.1 ? N(m.Ratio, 2) : m.Ratio.ToString("0.0e0", CultureInfo.InvariantCulture),
                N(m.EndToEnd.CpuSecondsPer1000Jobs, 2), N(m.Raw.CpuSecondsPer1000Jobs, 2), N(m.EndToEnd.PeakWorkingSetMegabytes), N(m.Raw.PeakWorkingSetMegabytes),
            ]));
        report.AppendLine(
            "CPU time is `Process.TotalProcessorTime` of the bench process over the window, so the end-to-end figure also contains the emulator's share " +
            "(serving pulls and acks, storing result objects); peak working set is sampled every 50 ms and likewise includes the emulator's messages and objects " +
            "(part 4 measures the worker alone, in its own process). " +
            "The tiny MLP's raw Run takes microseconds per batch, so its ratio measures the worker's own per-job cost (JSON, Pub/Sub, one GCS object, ack), not the model.")
            .AppendLine();
    }
}
