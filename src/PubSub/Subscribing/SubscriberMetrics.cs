using System.Diagnostics.Metrics;
using Grpc.Core;

namespace PullWorker.PubSub.Subscribing;

/// <summary>The subscriber's instruments on the <c>PullWorker.PubSub</c> meter, tagged with the subscription.</summary>
internal sealed class SubscriberMetrics : IDisposable
{
    public const string MeterName = "PullWorker.PubSub";

    private readonly Meter _meter;
    private readonly KeyValuePair<string, object?> _subscription;
    private readonly Counter<long> _received;
    private readonly Counter<long> _acked;
    private readonly Counter<long> _nacked;
    private readonly Counter<long> _expired;
    private readonly Counter<long> _streamRestarts;
    private readonly Histogram<double> _ackLatency;

    public SubscriberMetrics(string subscription, Func<(int Count, long Bytes)> outstanding)
    {
        _meter = new Meter(MeterName);
        _subscription = new("subscription", subscription);
        _received = _meter.CreateCounter<long>("pubsub.subscriber.received", "{message}", "Messages received from the service.");
        _acked = _meter.CreateCounter<long>("pubsub.subscriber.acked", "{message}", "Messages acked by the handler.");
        _nacked = _meter.CreateCounter<long>("pubsub.subscriber.nacked", "{message}", "Messages nacked (by the handler or on stop).");
        _expired = _meter.CreateCounter<long>(
            "pubsub.subscriber.expired", "{message}", "Messages released after the maximum total lease extension.");
        _streamRestarts = _meter.CreateCounter<long>(
            "pubsub.subscriber.stream_restarts", "{restart}", "StreamingPull streams reopened, by status code.");
        _ackLatency = _meter.CreateHistogram<double>(
            "pubsub.subscriber.ack_latency", "ms", "From Ack() to the service's answer, oldest ID of each request.");
        _meter.CreateObservableGauge("pubsub.subscriber.outstanding_messages", () => new Measurement<int>(outstanding().Count, _subscription));
        _meter.CreateObservableGauge("pubsub.subscriber.outstanding_bytes", () => new Measurement<long>(outstanding().Bytes, _subscription));
    }

    public void Received(int count) => _received.Add(count, _subscription);

    public void Acked() => _acked.Add(1, _subscription);

    public void Nacked(int count = 1) => _nacked.Add(count, _subscription);

    public void Expired(int count) => _expired.Add(count, _subscription);

    public void StreamRestarted(string reason) => _streamRestarts.Add(1, _subscription, new("code", reason));

    public void StreamRestarted(StatusCode code) => StreamRestarted(code.ToString());

    public void AckLatency(TimeSpan latency) => _ackLatency.Record(latency.TotalMilliseconds, _subscription);

    public void Dispose() => _meter.Dispose();
}
