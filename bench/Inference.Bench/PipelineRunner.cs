using System.Diagnostics.Metrics;
using System.Diagnostics;
using PullWorker.Inference.Batching;
using PullWorker.Inference.Configuration;
using PullWorker.Inference.Tensors;

namespace PullWorker.Inference.Bench;

/// <summary>
/// How callers feed the engine: <paramref name="Callers"/> concurrent closed loops, each submitting
/// <paramref name="RowsPerCall"/> rows at a time (1: single items through <c>InferAsync</c>; more: blocks through
/// <c>InferBlockAsync</c>).
/// </summary>
internal sealed record Load(string Name, int Callers, int RowsPerCall);

/// <summary>The product path: rows submitted by concurrent callers, batched, run by the executor, answered.</summary>
internal static class PipelineRunner
{
    public static async Task<(double ItemsPerSecond, double MeanBatchSize)> ItemsPerSecondAsync(
        Scenario scenario, int batchSize, string modelPath, Load load)
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
            IntraOpThreads = scenario.IntraOpThreads,
            Stages = [new StageOptions { Model = modelPath }],
        };
        var batching = new BatchingOptions { MaxBatchSize = batchSize, QueueCapacity = 4 * batchSize };
        await using var engine = await InferenceEngine.StartAsync(pipeline, batching, metrics: metrics);
        var callers = Enumerable.Range(0, load.Callers).Select(caller => CallerFor(caller)).ToArray();

        await RunForAsync(TimeSpan.FromSeconds(1));
        Interlocked.Exchange(ref batches, 0);
        Interlocked.Exchange(ref batchedItems, 0);
        var (completed, elapsed) = await RunForAsync(scenario.Window);
        return (completed / elapsed.TotalSeconds, (double)Interlocked.Read(ref batchedItems) / Interlocked.Read(ref batches));

        async Task<(long Completed, TimeSpan Elapsed)> RunForAsync(TimeSpan window)
        {
            long completed = 0;
            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(callers.Select(call => Task.Run(async () =>
            {
                while (Stopwatch.GetElapsedTime(started) < window)
                {
                    await call();
                    Interlocked.Add(ref completed, load.RowsPerCall);
                }
            })));
            return (completed, Stopwatch.GetElapsedTime(started));
        }

        Func<Task> CallerFor(int caller)
        {
            var rows = Enumerable.Range(caller * load.RowsPerCall, load.RowsPerCall).SelectMany(scenario.ItemValues).ToArray();
            if (load.RowsPerCall == 1)
            {
                var item = InferenceItem.Single(scenario.Input, TensorData.Float32(rows, scenario.ItemShape));
                return async () => Check((await engine.InferAsync(item, CancellationToken.None)).Error);
            }

            var block = InferenceBlock.Single(scenario.Input, TensorData.Float32(rows, [load.RowsPerCall, .. scenario.ItemShape]));
            return async () =>
            {
                var result = await engine.InferBlockAsync(block, CancellationToken.None);
                Check(result.Error ?? result.RowErrors.Values.FirstOrDefault());
            };
        }

        static void Check(InferenceError? error)
        {
            if (error is not null)
            {
                throw new InvalidOperationException(error.Message);
            }
        }
    }
}
