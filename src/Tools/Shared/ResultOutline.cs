using PullWorker.Jobs;
using PullWorker.Jobs.Results;

namespace PullWorker.Tools.Shared;

/// <summary>
/// What the tools count and report of a result document: everything but its outputs, which are most of its size and
/// which a summary of thousands of results never reads.
/// </summary>
public sealed record ResultOutline(
    JobId Id,
    string MessageId,
    JobStatus Status,
    JobError? Error,
    DateTimeOffset PublishTime,
    DateTimeOffset CompletedAt,
    int DeliveryAttempt)
{
    public static ResultOutline Of(JobResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new(result.Id, result.MessageId, result.Status, result.Error, result.PublishTime, result.CompletedAt, result.DeliveryAttempt);
    }
}
