using System.Diagnostics;
using System.Diagnostics.Metrics;
using PullWorker.Inference.Batching;
using PullWorker.Inference.Configuration;
using PullWorker.Inference.Tensors;

namespace PullWorker.Inference.Bench;

/// <summary>How callers feed the engine: <paramref name="Callers"/> concurrent closed loops of single items.</summary>
internal sealed record Load(string Name, int Callers);

/// <summary>The product path: rows submitted by concurrent callers, batched, run by the executor, answered.</summary>
internal static class PipelineRunner
{
    public static async Task<Measurement> MeasureAsync(
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
        var batching = new BatchingOptions { MaxBatchSize = batchSize };
        await using var engine = await InferenceEngine.StartAsync(pipeline, batching, metrics: metrics);
        var callers = Enumerable.Range(0, load.Callers).Select(caller => CallerFor(caller)).ToArray();

        await RunForAsync(TimeSpan.FromSeconds(1));
        Interlocked.Exchange(ref batches, 0);
        Interlocked.Exchange(ref batchedItems, 0);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var (completed, elapsed) = await RunForAsync(scenario.Window);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        return new Measurement(
            completed / elapsed.TotalSeconds, cpu.TotalMicroseconds / completed, (double)Interlocked.Read(ref batchedItems) / Interlocked.Read(ref batches));

        async Task<(long Completed, TimeSpan Elapsed)> RunForAsync(TimeSpan window)
        {
            long completed = 0;
            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(callers.Select(call => Task.Run(async () =>
            {
                while (Stopwatch.GetElapsedTime(started) < window)
                {
                    await call();
                    Interlocked.Increment(ref completed);
                }
            })));
            return (completed, Stopwatch.GetElapsedTime(started));
        }

        Func<Task> CallerFor(int caller)
        {
            var item = InferenceItem.Single(scenario.Input, TensorData.Float32(scenario.ItemValues(caller), scenario.ItemShape));
            return async () =>
            {
                if ((await engine.InferAsync(item, CancellationToken.None)).Error is { } error)
                {
                    throw new InvalidOperationException(error.Message);
                }
            };
        }
    }
}
