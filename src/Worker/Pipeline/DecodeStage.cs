using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using PullWorker.Inference.Batching;
using PullWorker.Jobs;
using PullWorker.Jobs.Parsing;
using PullWorker.PubSub.Subscribing;

namespace PullWorker.Worker.Pipeline;

/// <summary>
/// The CPU side before the device: N workers take leased messages, parse and validate the job, fetch and decode
/// its inputs, and submit it to the engine without waiting for the result, so decoding of the next batch overlaps
/// the device running this one. A job that fails on its own content skips the engine with its error.
/// </summary>
internal sealed partial class DecodeStage(JobParser parser, ModelSlot models, WorkerMetrics metrics, ILogger<DecodeStage> logger)
{
    /// <summary>
    /// Runs until <paramref name="intake"/> completes or <paramref name="stopIntake"/> fires. A message this
    /// worker holds when intake stops is nacked, so Pub/Sub redelivers it at once (here or to another worker).
    /// </summary>
    public async Task RunAsync(ChannelReader<LeasedMessage> intake, ChannelWriter<PendingJob> pending, CancellationToken stopIntake)
    {
        try
        {
            while (await intake.WaitToReadAsync(stopIntake))
            {
                while (!stopIntake.IsCancellationRequested && intake.TryRead(out var message))
                {
                    await DecodeOneAsync(message, pending, stopIntake);
                }
            }
        }
        catch (OperationCanceledException) when (stopIntake.IsCancellationRequested)
        {
            // Draining: what is still in the intake is nacked by the pipeline.
        }
    }

    private async Task DecodeOneAsync(LeasedMessage message, ChannelWriter<PendingJob> pending, CancellationToken stopIntake)
    {
        PendingJob job;
        var model = models.Acquire();
        JobId? id = null;
        try
        {
            var parsed = parser.Parse(message.MessageId, message.Data, message.Attributes);
            id = parsed.ResultId;
            if (parsed.Job is not { } parsedJob)
            {
                job = new PendingJob(message, parsed.ResultId, model, null, parsed.Error);
            }
            else
            {
                var decoded = await model.Decoder.DecodeAsync(parsedJob, stopIntake);
                job = decoded.Item is { } item
                    ? new PendingJob(message, parsedJob.Id, model, model.Engine.InferAsync(item, stopIntake).AsTask(), null)
                    : new PendingJob(message, parsedJob.Id, model, null, decoded.Error);
            }
        }
        catch (OperationCanceledException) when (stopIntake.IsCancellationRequested)
        {
            model.Release();
            message.Nack();
            return;
        }
        catch (Exception e) when (e is not OutOfMemoryException && id is not null)
        {
            // Not the job's fault (storage unavailable, say). The result stage nacks it with backoff, and on the
            // last delivery attempt first writes the error result, so a dead-lettered job still tells its user.
            job = new PendingJob(message, id, model, Task.FromException<InferenceResult>(e), null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            model.Release();
            // Not the job's fault (storage unavailable, say): let Pub/Sub bring it back later.
            var delay = Redelivery.DelayFor(message.DeliveryAttempt);
            LogDecodeFailed(message.MessageId, delay, e);
            metrics.Redelivered("decode");
            message.Nack(delay);
            return;
        }

        // The job carries the model lease to the result stage, which releases it. The pending channel holds at most
        // the flow-control limit, so this only waits while writers catch up.
        await pending.WriteAsync(job, CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not prepare message {MessageId}; it is nacked for redelivery in {Delay}")]
    private partial void LogDecodeFailed(string messageId, TimeSpan delay, Exception exception);
}
