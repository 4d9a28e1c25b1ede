using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using PullWorker.Inference.Batching;
using PullWorker.Jobs;
using PullWorker.Jobs.Results;
using PullWorker.Worker.ResultStorage;

namespace PullWorker.Worker.Pipeline;

/// <summary>
/// The side after the device: waits for each job's outputs, writes its result object, and only then acks. Any
/// failure that is not the job's own nacks it instead, so the job is never lost and never written as an error
/// unless Pub/Sub is about to give up on it.
/// </summary>
internal sealed partial class ResultStage(
    ResultWriter writer,
    ResultDocuments documents,
    int? maxDeliveryAttempts,
    WorkerMetrics metrics,
    TimeProvider time,
    ILogger<ResultStage> logger)
{
    /// <summary>Runs until <paramref name="pending"/> completes; <paramref name="hardStop"/> abandons writes.</summary>
    public async Task RunAsync(ChannelReader<PendingJob> pending, CancellationToken hardStop)
    {
        while (await pending.WaitToReadAsync(CancellationToken.None))
        {
            while (pending.TryRead(out var job))
            {
                await CompleteAsync(job, hardStop);
            }
        }
    }

    private async Task CompleteAsync(PendingJob job, CancellationToken hardStop)
    {
        try
        {
            await SettleAsync(job, hardStop);
        }
        finally
        {
            job.Model.Release();
        }
    }

    private async Task SettleAsync(PendingJob job, CancellationToken hardStop)
    {
        var message = job.Message;
        try
        {
            var result = await ResultOfAsync(job);
            await writer.WriteAsync(result, hardStop);
            message.Ack();
            metrics.Completed(result, message.PublishTime, time.GetUtcNow());
        }
        catch (OperationCanceledException)
        {
            // Draining before the job reached the device, or a hard stop: someone else will do it.
            message.Nack();
            metrics.Redelivered("drain");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await GiveBackAsync(job, e, hardStop);
        }
    }

    private async Task<JobResult> ResultOfAsync(PendingJob job)
    {
        if (job.Error is { } error)
        {
            return documents.Failed(job, error);
        }

        var outcome = await job.Inference!;
        return outcome.Outputs is { } outputs
            ? documents.Succeeded(job, outputs)
            : documents.Failed(job, ToJobError(outcome.Error!));
    }

    /// <summary>
    /// A failure that is not the job's: nack with a growing delay. On the last delivery before dead-lettering,
    /// first try to leave an error result, so the user learns what happened.
    /// </summary>
    private async Task GiveBackAsync(PendingJob job, Exception failure, CancellationToken hardStop)
    {
        var message = job.Message;
        if (Redelivery.IsLastAttempt(message.DeliveryAttempt, maxDeliveryAttempts))
        {
            var error = new JobError(
                JobErrorCode.InferenceFailed,
                $"gave up after {message.DeliveryAttempt} delivery attempts; the last failed with: {failure.Message}");
            try
            {
                await writer.WriteAsync(documents.Failed(job, error), hardStop);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogLastWordFailed(message.MessageId, e);
            }
        }

        var delay = Redelivery.DelayFor(message.DeliveryAttempt);
        LogTransient(message.MessageId, delay, failure);
        metrics.Redelivered(failure is InferenceUnavailableException ? "device" : "storage");
        message.Nack(delay);
    }

    private static JobError ToJobError(InferenceError error) =>
        new(JobErrorCodeExtensions.FromWireName(error.Code), error.Message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} failed for a reason not its own; nacked for redelivery in {Delay}")]
    private partial void LogTransient(string messageId, TimeSpan delay, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} reached its last delivery attempt and its error result could not be written")]
    private partial void LogLastWordFailed(string messageId, Exception exception);
}
