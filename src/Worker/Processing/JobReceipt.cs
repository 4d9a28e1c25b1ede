using Google.Cloud.PubSub.V1;
using PullWorker.Jobs;
using PullWorker.Worker.Models;

namespace PullWorker.Worker.Processing;

/// <summary>What a result document says about the message a job came in: its ids, publish time and attempt.</summary>
internal sealed record JobReceipt(JobId Id, string MessageId, DateTimeOffset PublishTime, int DeliveryAttempt, PipelineVersion Pipeline)
{
    /// <summary>
    /// <paramref name="message"/>'s attempt is 1 + earlier deliveries when the subscription has a dead-letter policy,
    /// and 0 (unknown) otherwise, as Pub/Sub counts only then.
    /// </summary>
    public static JobReceipt Of(JobId id, PubsubMessage message, PipelineVersion pipeline) =>
        new(id, message.MessageId, message.PublishTime?.ToDateTimeOffset() ?? DateTimeOffset.MinValue, message.GetDeliveryAttempt() ?? 0, pipeline);
}
