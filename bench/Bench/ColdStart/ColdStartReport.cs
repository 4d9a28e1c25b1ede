using System.Text;
using PullWorker.Bench.Reporting;
using static System.FormattableString;
using static PullWorker.Bench.Reporting.Markdown;

namespace PullWorker.Bench.ColdStart;

internal static class ColdStartReport
{
    public static void Write(StringBuilder report, Measured<ColdStartResult> measured)
    {
        var result = measured.Result;
        report.AppendLine("## 5. Cold start").AppendLine();
        Measured(report, measured.Machine);
        report.AppendLine(
            Invariant($"{result.Setup}. The clock starts just before `dotnet PullWorker.Worker.dll` is launched (configured only by environment variables); ") +
            "ready = `/readyz` answers 200 (model loaded and warmed, bucket reachable, subscriber streaming); first result = the job's result object exists in the storage emulator. " +
            "The worker's CPU seconds at ready (from /proc) show how much of the wall time was its own work rather than waiting for a busy machine.")
            .AppendLine();
        Table(report, ["run", "to ready (s)", "to first result (s)", "worker CPU s at ready"],
            result.Runs.Select((r, i) => (IReadOnlyList<string>)[N(i + 1), N(r.ReadySeconds, 2), N(r.FirstResultSeconds, 2), N(r.ReadyCpuSeconds, 2)])
                .Append(["median", N(result.MedianReadySeconds, 2), N(result.MedianFirstResultSeconds, 2), ""]));
        report.AppendLine("On a GCE VM add boot, driver and image pull before this; the cost model takes them as inputs.").AppendLine();
    }
}
