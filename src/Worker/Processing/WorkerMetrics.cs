using System.Diagnostics.Metrics;
using PullWorker.Jobs;
using PullWorker.Jobs.Results;

namespace PullWorker.Worker.Processing;

/// <summary>What users of the worker watch: jobs finished by outcome, end-to-end latency, redeliveries.</summary>
public sealed class WorkerMetrics : IDisposable
{
    public const string MeterName = "PullWorker.Worker";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _completed;
    private readonly Histogram<double> _latency;
    private readonly Counter<long> _redelivered;

    public WorkerMetrics()
    {
        _completed = _meter.CreateCounter<long>("pullworker.jobs.completed", "{job}", "Jobs whose result object was written, by status and error code");
        _latency = _meter.CreateHistogram<double>("pullworker.jobs.latency", "s", "From the job's publish time to its result being written");
        _redelivered = _meter.CreateCounter<long>("pullworker.jobs.redelivered", "{job}", "Jobs nacked for redelivery, by reason");
    }

    internal void Completed(JobResult result, DateTimeOffset publishTime, DateTimeOffset now)
    {
        var code = result.Error?.Code.ToWireName() ?? string.Empty;
        _completed.Add(1, new KeyValuePair<string, object?>("status", result.Status == JobStatus.Ok ? "ok" : "error"), new("code", code));
        if (publishTime > DateTimeOffset.MinValue)
        {
            _latency.Record((now - publishTime).TotalSeconds);
        }
    }

    internal void Redelivered(string reason) => _redelivered.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Dispose() => _meter.Dispose();
}
