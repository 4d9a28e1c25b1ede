using Microsoft.Extensions.Logging;
using PullWorker.Inference.Configuration;

namespace PullWorker.Inference.Tests.Support;

/// <summary>Builds CPU pipelines for tests.</summary>
internal static class Pipelines
{
    public static PipelineOptions Of(params string[] modelPaths) => new()
    {
        Device = DeviceKind.Cpu,
        IntraOpThreads = 1,
        Stages = [.. modelPaths.Select(path => new StageOptions { Model = path })],
    };

    public static async Task<InferenceEngine> StartAsync(
        PipelineOptions pipeline, BatchingOptions? batching = null, TimeProvider? time = null,
        Diagnostics.InferenceMetrics? metrics = null, ILoggerFactory? loggers = null, bool hostRoundTrips = false)
    {
        var engine = InferenceEngine.Create(
            pipeline, batching ?? new BatchingOptions { MaxBatchSize = 8 }, loggers, time, metrics,
            Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetAvailableProviders(), hostRoundTrips);
        try
        {
            await engine.WarmUpAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
            return engine;
        }
        catch
        {
            await engine.DisposeAsync();
            throw;
        }
    }
}
