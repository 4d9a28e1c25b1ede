namespace PullWorker.Worker.Pipeline;

/// <summary>
/// What to do with a job that failed for a reason not its own (storage down, device lost): it is nacked so
/// Pub/Sub redelivers it, after a delay that grows with each attempt, so a struggling dependency is not hammered.
/// </summary>
internal static class Redelivery
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(60);

    /// <summary>1 s, 2 s, 4 s, ... up to 60 s, by delivery attempt (1 = first).</summary>
    public static TimeSpan DelayFor(int deliveryAttempt)
    {
        var exponent = Math.Clamp(deliveryAttempt - 1, 0, 6);
        var delay = TimeSpan.FromSeconds(1 << exponent);
        return delay < MaxDelay ? delay : MaxDelay;
    }

    /// <summary>
    /// True when this delivery is the last before Pub/Sub dead-letters the message: the user must then get an
    /// error result now, or they would never learn what happened to the job.
    /// </summary>
    public static bool IsLastAttempt(int deliveryAttempt, int? maxDeliveryAttempts) =>
        maxDeliveryAttempts is > 0 && deliveryAttempt >= maxDeliveryAttempts;
}
