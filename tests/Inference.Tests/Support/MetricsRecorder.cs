using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using PullWorker.Inference.Diagnostics;

namespace PullWorker.Inference.Tests.Support;

/// <summary>Collects the measurements of one <see cref="InferenceMetrics"/> instance.</summary>
internal sealed class MetricsRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, string? Tag)> _measurements = new();

    public MetricsRecorder()
    {
        Metrics = new InferenceMetrics();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, Metrics.Meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        _listener.Start();
    }

    public InferenceMetrics Metrics { get; }

    public IReadOnlyList<double> Values(string instrument, string? tag = null) =>
        [.. _measurements.Where(m => m.Instrument == instrument && (tag is null || m.Tag == tag)).Select(m => m.Value)];

    public void Dispose()
    {
        _listener.Dispose();
        Metrics.Dispose();
    }

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        _measurements.Enqueue((instrument.Name, value, tags.Length > 0 ? tags[0].Value?.ToString() : null));
}
