using System.Text;
using PullWorker.Bench.Reporting;
using static PullWorker.Bench.Reporting.Markdown;

namespace PullWorker.Bench.Layouts;

internal static class LayoutCostReport
{
    public static void Write(StringBuilder report, Measured<LayoutCostResult> measured)
    {
        var result = measured.Result;
        report.AppendLine("## 7. Result layouts: CPU and Class A writes per job").AppendLine();
        Measured(report, measured.Machine);
        report.AppendLine(
            $"{N(result.Jobs)} MNIST-sized MLP jobs (784 float32 as `b64`, 10 outputs) queued in the emulator (in the bench process), drained by the worker in its own process " +
            $"(`Batching:MaxBatchSize={N(result.MaxBatchSize)}`, the log levels of the shipped `appsettings.json`), once per `Worker:ResultLayout`. CPU is the worker process's utime + stime from ready to the last ack " +
            "(inference included); Class A per job is the objects written over the jobs.")
            .AppendLine();
        Table(report, ["layout", "jobs", "seconds", "jobs/s", "worker CPU (µs/job)", "objects", "jobs per object", "Class A per job"],
            result.Runs.Select(r => (IReadOnlyList<string>)[r.Layout, N(r.JobsDone), N(r.Seconds, 1), N(r.JobsPerSecond), N(r.CpuMicrosecondsPerJob), N(r.Objects), N(r.JobsPerObject, 1), N(r.ClassAPerJob, 4)]));
        if (result.RawRunMicrosecondsPerItem > 0)
        {
            report.AppendLine(
                $"Raw `InferenceSession.Run` of the same model at batch {N(result.MaxBatchSize)} (the engine's session options, in the bench process before the drains, process CPU time around the loop): " +
                $"**{N(result.RawRunMicrosecondsPerItem, 1)} µs CPU per item**. The worker's own CPU per job is its CPU per job less that.")
                .AppendLine();
            Table(report, ["layout", "worker CPU (µs/job)", "raw Run (µs/item)", "worker's own, excluding inference (µs/job)", "target (µs/job)", "met"],
                result.Runs.Select(r =>
                {
                    var own = result.OwnMicrosecondsPerJob(r);
                    var target = LayoutCostResult.TargetMicroseconds(r.Layout);
                    return (IReadOnlyList<string>)[r.Layout, N(r.CpuMicrosecondsPerJob), N(result.RawRunMicrosecondsPerItem, 1), N(own), $"<= {N(target)}", own <= target ? "yes" : "no"];
                }));
        }

        if (result.Runs.Count == 2 && result.Runs[0].CpuMicrosecondsPerJob > 0)
        {
            report.AppendLine(
                $"Batch over object in this run: CPU per job x{N(result.Runs[1].CpuMicrosecondsPerJob / result.Runs[0].CpuMicrosecondsPerJob, 2)}, " +
                $"Class A per job x{N(result.Runs[1].ClassAPerJob / result.Runs[0].ClassAPerJob, 3)}, jobs/s x{N(result.Runs[1].JobsPerSecond / result.Runs[0].JobsPerSecond, 2)}.")
                .AppendLine();
        }
    }
}
