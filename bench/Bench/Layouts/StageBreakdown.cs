using System.Text.Json;

namespace PullWorker.Bench.Layouts;

/// <summary>One stage's share of the worker's running samples in the traced drain.</summary>
internal sealed record StageShare(string Stage, double Milliseconds, double Share);

/// <summary>
/// Attributes the sampled thread stacks of a <c>dotnet-trace</c> speedscope file to the worker's stages. A sample counts
/// as running when its leaf is <c>CPU_TIME</c> (managed code on the CPU) or it sits in onnxruntime's native code; other
/// <c>UNMANAGED_CODE_TIME</c> samples are threads blocked in waits and syscalls, and are left out. Each running sample
/// goes to the innermost frame a rule knows, so an HTTP call under the result writer is a write and a JSON read under
/// the job parser is a parse. Native threads the runtime does not sample (the GC's, onnxruntime's pool) are not seen.
/// </summary>
internal static class StageBreakdown
{
    private static readonly (string Stage, string[] Markers)[] Rules =
    [
        ("thread pool spin-waiting", ["LowLevelLifoSemaphore", "LowLevelSpinWaiter", "System.Threading.SpinWait", "Thread.SpinWait"]),
        ("infer", ["Microsoft.ML.OnnxRuntime", "PullWorker.Inference.Execution.PipelineExecutor"]),
        ("batch", ["PullWorker.Inference.Batching.", "PullWorker.Inference.Execution.", "PullWorker.Inference.InferenceEngine"]),
        ("parse", ["PullWorker.Jobs.Parsing.", "PullWorker.Jobs.JobId"]),
        ("fetch/decode", ["PullWorker.Worker.Decoding.", "PullWorker.Worker.Inputs."]),
        ("serialize", ["PullWorker.Jobs.Results.", "PullWorker.Worker.Processing.ResultDocuments"]),
        ("write", ["PullWorker.Worker.ResultStorage.", "PullWorker.Worker.Storage.", "Google.Apis", "Google.Cloud.Storage", "System.Net.Http.HttpConnection"]),
        ("pull/ack", ["Google.Cloud.PubSub", "Grpc.", "Google.Api.Gax.Grpc", "Google.Protobuf", "System.Net.Http.Http2"]),
        ("logging/metrics", ["Microsoft.Extensions.Logging", "OpenTelemetry", "System.Diagnostics.Metrics", "System.Diagnostics.DiagnosticSource"]),
        ("worker pipeline (other)", ["PullWorker."]),
        ("socket event loop (unattributed)", ["System.Net.Sockets"]),
        ("thread pool dispatch, async machinery", ["ThreadPoolWorkQueue.Dispatch", "PortableThreadPool", "TimerQueue"]),
    ];

    public static IReadOnlyList<StageShare> FromSpeedscope(string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream);
        var frames = document.RootElement.GetProperty("shared").GetProperty("frames").EnumerateArray()
            .Select(f => f.GetProperty("name").GetString() ?? "").ToArray();
        var milliseconds = new Dictionary<string, double>();
        foreach (var profile in document.RootElement.GetProperty("profiles").EnumerateArray())
        {
            // Evented profile: open/close events; between two events the stack of open frames held.
            var open = new List<int>();
            double? last = null;
            foreach (var e in profile.GetProperty("events").EnumerateArray())
            {
                var at = e.GetProperty("at").GetDouble();
                if (last is { } since && open.Count > 0 && Classify(open, frames) is { } stage)
                {
                    milliseconds[stage] = milliseconds.GetValueOrDefault(stage) + (at - since);
                }

                last = at;
                var frame = e.GetProperty("frame").GetInt32();
                if (e.GetProperty("type").GetString() == "O")
                {
                    open.Add(frame);
                }
                else if (open.LastIndexOf(frame) is var index and >= 0)
                {
                    open.RemoveRange(index, open.Count - index);
                }
            }
        }

        var total = milliseconds.Values.Sum();
        return milliseconds.OrderByDescending(p => p.Value)
            .Select(p => new StageShare(p.Key, p.Value, total > 0 ? p.Value / total : 0)).ToList();
    }

    /// <summary>The stage of a running stack, or null when the thread was not on the CPU.</summary>
    private static string? Classify(List<int> stack, string[] frames)
    {
        var leaf = frames[stack[^1]];
        var inOnnxRuntime = stack.Any(f => frames[f].StartsWith("Microsoft.ML.OnnxRuntime!", StringComparison.Ordinal));
        if (leaf != "CPU_TIME" && !(leaf == "UNMANAGED_CODE_TIME" && inOnnxRuntime))
        {
            return null;
        }

        for (var i = stack.Count - 1; i >= 0; i--)
        {
            var name = frames[stack[i]];
            foreach (var (stage, markers) in Rules)
            {
                if (markers.Any(m => name.Contains(m, StringComparison.Ordinal)))
                {
                    return stage;
                }
            }
        }

        return "other";
    }
}
