using System.Diagnostics;
using PullWorker.GpuCheck.Scenarios;
using PullWorker.Inference;
using PullWorker.Inference.Batching;

namespace PullWorker.GpuCheck.Measuring;

/// <summary>Items per second, the engine's way (concurrent callers) and the raw way (one loop of whole batches).</summary>
internal static class Throughput
{
    /// <summary>Runs warm-up batches for a quarter of the window, then counts whole batches over the window.</summary>
    public static double RawItemsPerSecond(RawChain chain, TimeSpan window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chain);
        Loop(window / 4);
        var (batches, elapsed) = Loop(window);
        return batches * chain.BatchSize / elapsed.TotalSeconds;

        (long Batches, TimeSpan Elapsed) Loop(TimeSpan duration)
        {
            var started = Stopwatch.GetTimestamp();
            long batches = 0;
            do
            {
                cancellationToken.ThrowIfCancellationRequested();
                chain.Run();
                batches++;
            }
            while (Stopwatch.GetElapsedTime(started) < duration);
            return (batches, Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>
    /// Twice the batch size of callers each submit one item at a time in a closed loop, so full batches are always
    /// queued (as under a backlog); counts the answered items over the window after a quarter-window warm-up.
    /// </summary>
    public static async Task<double> EngineItemsPerSecondAsync(
        InferenceEngine engine, CheckScenario scenario, int batchSize, TimeSpan window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(scenario);
        var items = Enumerable.Range(0, Math.Min(2 * batchSize, 64)).Select(scenario.Item).ToArray();
        await LoopAsync(window / 4);
        var (completed, elapsed) = await LoopAsync(window);
        return completed / elapsed.TotalSeconds;

        async Task<(long Completed, TimeSpan Elapsed)> LoopAsync(TimeSpan duration)
        {
            long completed = 0;
            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(Enumerable.Range(0, 2 * batchSize).Select(caller => Task.Run(
                async () =>
                {
                    var item = items[caller % items.Length];
                    do
                    {
                        var result = await engine.InferAsync(item, cancellationToken);
                        if (result.Error is { } error)
                        {
                            throw new InvalidOperationException($"{scenario.Name}: the engine failed an item: {error.Code}: {error.Message}");
                        }

                        Interlocked.Increment(ref completed);
                    }
                    while (Stopwatch.GetElapsedTime(started) < duration);
                },
                cancellationToken)));
            return (Interlocked.Read(ref completed), Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>Submits every item at once and returns the results in the items' order.</summary>
    public static async Task<InferenceResult[]> InferAllAsync(
        InferenceEngine engine, IReadOnlyList<InferenceItem> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(items);
        return await Task.WhenAll(items.Select(item => engine.InferAsync(item, cancellationToken).AsTask()));
    }
}
