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

        if (result.Runs.Count == 3 && result.Runs[1].CpuMicrosecondsPerJob > 0)
        {
            report.AppendLine(
                $"`{result.Runs[2].Layout}` is the batch layout again with `DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0` in the worker's environment (the runtime's thread-pool workers sleep at once instead of spinning first): " +
                $"CPU per job x{N(result.Runs[2].CpuMicrosecondsPerJob / result.Runs[1].CpuMicrosecondsPerJob, 2)}, jobs/s x{N(result.Runs[2].JobsPerSecond / result.Runs[1].JobsPerSecond, 2)} against the plain batch drain in this run.")
                .AppendLine();
        }

        if (result.Breakdown is { Count: > 0 } breakdown && result.Runs.FirstOrDefault(r => r.Layout == result.TracedLayout) is { } traced)
        {
            report.AppendLine(
                $"Where the CPU goes in the `{result.TracedLayout}` layout (`./bench.sh layouts --trace`): one more drain of {N(result.Jobs * 2)} jobs, untimed, with `dotnet-trace collect --profile dotnet-sampled-thread-time` " +
                "on the worker (the tool installs into `bench/.tools`: `dotnet tool install dotnet-trace --tool-path bench/.tools`). A sample counts as running when the thread was in managed code (`CPU_TIME`) or in onnxruntime; " +
                "samples blocked in waits or syscalls are left out. Each running sample goes to the innermost frame a stage knows (parse: `PullWorker.Jobs.Parsing`; decode: `JobDecoder`; batch: `DynamicBatcher` and the staging; " +
                "infer: `PipelineExecutor` and onnxruntime; serialize: `JobResult` JSON; write: the result writer, `Google.Apis`, HTTP/1.1; pull/ack: Pub/Sub, gRPC, HTTP/2, protobuf). " +
                $"µs per job is the share times the timed `{result.TracedLayout}` drain's CPU per job above; the runtime's native threads (GC, onnxruntime's pool) and kernel time in syscalls are not sampled, so shares are of what the sampler sees.")
                .AppendLine();
            Table(report, ["stage", "share of running samples", "≈ µs/job"],
                breakdown.Select(s => (IReadOnlyList<string>)[s.Stage, N(s.Share * 100, 1) + " %", N(s.Share * traced.CpuMicrosecondsPerJob)]));
        }
    }
}
