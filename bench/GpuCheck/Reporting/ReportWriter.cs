using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PullWorker.GpuCheck.Reporting;

/// <summary>Writes <c>gpucheck.json</c> and <c>gpucheck.md</c> into the output folder.</summary>
internal static class ReportWriter
{
    public const string JsonFileName = "gpucheck.json";
    public const string MarkdownFileName = "gpucheck.md";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static async Task WriteAsync(CheckReport report, string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, JsonFileName), JsonSerializer.Serialize(report, Json), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, MarkdownFileName), Markdown(report), cancellationToken);
    }

    public static string Markdown(CheckReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        Line($"# GPU self-check: {(report.Passed ? "PASSED" : "FAILED")}");
        Line();
        Line($"Device {report.Device}; {report.Machine}; started {report.StartedAt:u}; {(report.Quick ? "quick run" : "full run")}, " +
             $"{report.WindowSeconds:0.##} s per measurement. GPU memory in use before loading: {MiB(report.GpuMemoryBeforeMiB)}.");
        Line();
        Line($"Outputs are compared with a CPU run of the same items: every element within {report.Tolerance:0.#####} x max(1, the output's largest |value|).");
        Line();
        Line("| pipeline | items | worst scaled error | result | copies per batch (up / down / between stages / inside stages) |");
        Line("| --- | ---: | ---: | --- | --- |");
        foreach (var scenario in report.Scenarios)
        {
            var check = scenario.Correctness;
            var copies = check.CopiesPerBatch;
            Line($"| {scenario.Name} | {check.Items} | {check.WorstScaledError:0.###e+0} | {(check.Passed ? "pass" : $"FAIL: {check.Problem}")} | " +
                 $"{copies.Uploads} / {copies.Downloads} / {copies.BetweenStages} / {copies.InsideStages} |");
        }

        Line();
        Line("Throughput in items/s. Engine: items submitted one at a time by 2 x batch callers (CUDA graphs: not used by the engine). " +
             "Raw: `InferenceSession.RunWithBinding` over IoBinding, whole batches from host memory and back, one loop; " +
             "with CUDA graphs the upload and download are Identity sessions around the replayed stages. The raw outputs are checked against a CPU run too.");
        foreach (var scenario in report.Scenarios)
        {
            Line();
            Line($"## {scenario.Name}: {scenario.Description}");
            Line();
            Line("| batch | engine | raw IoBinding | engine / raw | raw + CUDA graphs | copies per batch | GPU MiB used |");
            Line("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var row in scenario.Throughput)
            {
                var graphs = row.RawCudaGraphItemsPerSecond is { } rate ? Rate(rate) + Off(row.RawCudaGraphWorstScaledError, row.Tolerance) : row.RawCudaGraphNote ?? "n/a";
                var raw = Rate(row.RawItemsPerSecond) + Off(row.RawWorstScaledError, row.Tolerance);
                Line($"| {row.BatchSize} | {Rate(row.EngineItemsPerSecond)} | {raw} | {row.EngineToRaw:0.00} | {graphs} | " +
                     $"{row.EngineCopiesPerBatch.Total} | {MiB(row.GpuMemoryUsedMiB)} |");
            }

            foreach (var failure in scenario.Failures)
            {
                Line();
                Line($"FAILED at {failure}");
            }
        }

        return text.ToString();

        // The program runs with invariant globalization, so interpolated numbers use '.' and ',' everywhere.
        void Line(string line = "") => text.AppendLine(line);
    }

    private static string Rate(double itemsPerSecond) => itemsPerSecond.ToString("N0", CultureInfo.InvariantCulture);

    private static string Off(double? error, double tolerance) =>
        error > tolerance ? $" (outputs off the CPU run by {error:0.###e+0})" : string.Empty;

    private static string MiB(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "n/a";
}
