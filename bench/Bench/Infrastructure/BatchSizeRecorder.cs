using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using PullWorker.Inference.Diagnostics;

namespace PullWorker.Bench.Infrastructure;

/// <summary>Records every executed batch's size from the engine's <c>inference.batch.size</c> instrument.</summary>
internal sealed class BatchSizeRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<int> _sizes = new();

    public BatchSizeRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument is { Meter.Name: InferenceMetrics.MeterName, Name: "inference.batch.size" })
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((_, size, _, _) => _sizes.Enqueue(size));
        _listener.Start();
    }

    /// <summary>The sizes in execution order (warm-up batches included until <see cref="Clear"/>).</summary>
    public IReadOnlyList<int> Sizes => [.. _sizes];

    public double MeanSize => _sizes.IsEmpty ? double.NaN : _sizes.Average();

    public void Clear() => _sizes.Clear();

    public void Dispose() => _listener.Dispose();
}
