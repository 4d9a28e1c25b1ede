using PullWorker.Jobs;
using PullWorker.Jobs.Results;

namespace PullWorker.Worker.ResultStorage;

/// <summary>
/// Where a handler leaves its job's result: <see cref="ObjectResultWriter"/> (one object per job) or
/// <see cref="BatchResultWriter"/> (one JSONL object per group of results that complete together), chosen at start
/// from <c>Worker:ResultLayout</c>.
/// </summary>
public interface IResultWriter : IDisposable
{
    /// <summary>The bucket and prefix every result goes under (always ending in <c>/</c> or empty).</summary>
    GcsUri Prefix { get; }

    /// <summary>Completes once <paramref name="result"/> is durable in Cloud Storage; only then may its message be acked.</summary>
    /// <exception cref="Google.GoogleApiException">The write failed for good (after retries): do not ack.</exception>
    Task<ResultWriteOutcome> WriteAsync(JobResult result, CancellationToken cancellationToken);
}
