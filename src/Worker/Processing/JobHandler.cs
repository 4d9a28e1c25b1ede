using Google.Cloud.PubSub.V1;
using PullWorker.Inference.Batching;
using PullWorker.Jobs;
using PullWorker.Jobs.Parsing;
using PullWorker.Jobs.Results;
using PullWorker.Worker.Models;
using PullWorker.Worker.ResultStorage;

namespace PullWorker.Worker.Processing;

/// <summary>
/// One call per message, on Google's <c>SubscriberClient</c> (whose flow control bounds how many run at once):
/// parse, fetch and decode, hand the item to the engine, give the result to the writer (one object per job, or one
/// per batch) and wait until it is durable, then ack. A job that fails on its own content gets its error result
/// and is acked too. A failure that is not the job's fault is a nack, and the subscription's retry policy spaces
/// the redeliveries; on the last attempt before dead-lettering the job first gets an <c>unavailable</c> error
/// result, so its user learns what happened.
/// </summary>
/// <param name="hardStop">
/// Fires when the drain's grace is over. The device work and the result write take this token, not the
/// handler's, which the client cancels as soon as a drain starts: a job already on the device finishes, is
/// written and is acked rather than thrown away.
/// </param>
internal sealed partial class JobHandler(
    JobParser parser,
    CurrentPipelineVersion pipelines,
    IResultWriter writer,
    ResultDocuments documents,
    int maxDeliveryAttempts,
    WorkerMetrics metrics,
    TimeProvider time,
    CancellationToken hardStop,
    ILogger<JobHandler> logger)
{
    private long _drainNacks;

    /// <summary>Messages given back because a drain began before they reached the device.</summary>
    public long DrainNacks => Interlocked.Read(ref _drainNacks);

    public async Task<SubscriberClient.Reply> HandleAsync(PubsubMessage message, CancellationToken draining)
    {
        // The client hands out a received batch one message after another; parsing and decoding are CPU work, so
        // leave its loop at once and let the thread pool run them side by side.
        await Task.Yield();
        var pipeline = pipelines.Acquire();
        JobReceipt? receipt = null;
        try
        {
            var parsed = parser.Parse(message.MessageId, message.Data.Memory, message.Attributes);
            receipt = JobReceipt.Of(parsed.ResultId, message, pipeline);
            var result = parsed.Job is { } job
                ? await RunAsync(job, receipt, pipeline, draining)
                : documents.Failed(receipt, parsed.Error!);
            await writer.WriteAsync(result, hardStop);
            metrics.Completed(result, receipt.PublishTime, time.GetUtcNow());
            return SubscriberClient.Reply.Ack;
        }
        catch (OperationCanceledException) when (draining.IsCancellationRequested || hardStop.IsCancellationRequested)
        {
            // Draining before the device, or out of grace: another worker (or this one, restarted) does it.
            Interlocked.Increment(ref _drainNacks);
            metrics.Redelivered("drain");
            return SubscriberClient.Reply.Nack;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await LastWordAsync(message, receipt, e);
            metrics.Redelivered(e is InferenceUnavailableException ? "device" : "storage");
            return SubscriberClient.Reply.Nack;
        }
        finally
        {
            pipeline.Release();
        }
    }

    private async Task<JobResult> RunAsync(ParsedJob job, JobReceipt receipt, PipelineVersion pipeline, CancellationToken draining)
    {
        var decoded = await pipeline.Decoder.DecodeAsync(job, draining);

        if (decoded.Item is not { } item)
        {
            return documents.Failed(receipt, decoded.Error!);
        }

        var outcome = await pipeline.Engine.InferAsync(item, hardStop);
        return outcome.Outputs is { } outputs
            ? documents.Succeeded(receipt, outputs)
            : documents.Failed(receipt, new JobError(JobErrorCodeExtensions.FromWireName(outcome.Error!.Code), outcome.Error.Message));
    }

    /// <summary>On the last delivery before dead-lettering, tries to leave an <c>unavailable</c> error result.</summary>
    private async Task LastWordAsync(PubsubMessage message, JobReceipt? receipt, Exception failure)
    {
        var attempt = message.GetDeliveryAttempt() ?? 0;
        if (receipt is null || maxDeliveryAttempts <= 0 || attempt < maxDeliveryAttempts)
        {
            LogTransient(message.MessageId, attempt, failure);
            return;
        }

        var error = new JobError(
            JobErrorCode.Unavailable,
            $"not processed: {failure.Message} after {attempt} attempts; it can be published again");
        try
        {
            await writer.WriteAsync(documents.Failed(receipt, error), hardStop);
            LogGaveUp(message.MessageId, attempt, failure);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogLastWordFailed(message.MessageId, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} (attempt {Attempt}) failed for a reason not its own; nacked for redelivery")]
    private partial void LogTransient(string messageId, int attempt, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} failed on its last attempt ({Attempt}) for a reason not its own; its result says unavailable")]
    private partial void LogGaveUp(string messageId, int attempt, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} reached its last delivery attempt and its error result could not be written")]
    private partial void LogLastWordFailed(string messageId, Exception exception);
}
