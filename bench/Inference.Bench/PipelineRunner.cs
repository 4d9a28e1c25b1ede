using System.Diagnostics.Metrics;
using System.Diagnostics;
using PullWorker.Inference.Batching;
using PullWorker.Inference.Configuration;
using PullWorker.Inference.Tensors;

namespace PullWorker.Inference.Bench;

/// <summary>
/// The product path: single items submitted by concurrent callers (a closed loop of 2 x batch size in flight,
/// Triton's throughput rule of thumb), batched, run by the executor, answered one by one.
/// </summary>
internal static class PipelineRunner
{
    public static async Task<(double ItemsPerSecond, double MeanBatchSize)> ItemsPerSecondAsync(
        Scenario scenario, int batchSize, string modelPath)
    {
        using var metrics = new Diagnostics.InferenceMetrics();
        long batches = 0, batchedItems = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Diagnostics.InferenceMetrics.MeterName && instrument.Name == "inference.batch.size")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, size, _, _) =>
        {
            Interlocked.Increment(ref batches);
            Interlocked.Add(ref batchedItems, size);
        });
        listener.Start();

        var pipeline = new PipelineOptions
        {
            Device = DeviceKind.Cpu,
            Stages = [new StageOptions { Model = modelPath }],
        };
        var batching = new BatchingOptions { MaxBatchSize = batchSize, QueueCapacity = 4 * batchSize };
        await using var engine = await InferenceEngine.StartAsync(pipeline, batching, metrics: metrics);
        var items = Enumerable.Range(0, 2 * batchSize)
            .Select(i => InferenceItem.Single(scenario.Input, TensorData.Float32(scenario.ItemValues(i), scenario.ItemShape)))
            .ToArray();

        await RunForAsync(TimeSpan.FromSeconds(1));
        Interlocked.Exchange(ref batches, 0);
        Interlocked.Exchange(ref batchedItems, 0);
        var (completed, elapsed) = await RunForAsync(scenario.Window);
        return (completed / elapsed.TotalSeconds, (double)Interlocked.Read(ref batchedItems) / Interlocked.Read(ref batches));

        async Task<(long Completed, TimeSpan Elapsed)> RunForAsync(TimeSpan window)
        {
            long completed = 0;
            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(items.Select(item => Task.Run(async () =>
            {
                while (Stopwatch.GetElapsedTime(started) < window)
                {
                    var result = await engine.InferAsync(item, CancellationToken.None);
                    if (!result.IsSuccess)
                    {
                        throw new InvalidOperationException(result.Error!.Message);
                    }

                    Interlocked.Increment(ref completed);
                }
            })));
            return (completed, Stopwatch.GetElapsedTime(started));
        }
    }
}
