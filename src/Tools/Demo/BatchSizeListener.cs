using System.Diagnostics.Metrics;
using PullWorker.Inference.Diagnostics;

namespace PullWorker.Tools.Demo;

/// <summary>
/// Listens to the engine's <c>inference.batch.size</c> histogram (real items per executed batch, padding excluded)
/// to report how full the batches were. Sees every engine in the process, which in the demo is one.
/// </summary>
public sealed class BatchSizeListener : IDisposable
{
    private const string BatchSizeInstrument = "inference.batch.size";

    private readonly MeterListener _listener = new();
    private long _batches;
    private long _items;

    public BatchSizeListener()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == InferenceMetrics.MeterName && instrument.Name == BatchSizeInstrument)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((_, items, _, _) =>
        {
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _items, items);
        });
        _listener.Start();
    }

    public long Batches => Interlocked.Read(ref _batches);

    public long Items => Interlocked.Read(ref _items);

    public double MeanBatchSize => Batches == 0 ? 0 : Items / (double)Batches;

    public void Dispose() => _listener.Dispose();
}
