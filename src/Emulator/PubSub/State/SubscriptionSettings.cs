using Google.Cloud.PubSub.V1;
using Google.Protobuf.WellKnownTypes;
using PullWorker.Emulator.PubSub.Validation;

namespace PullWorker.Emulator.PubSub.State;

/// <summary>Backoff before a nacked or expired message is offered again, doubling per failed attempt.</summary>
internal sealed record RetrySettings(TimeSpan Minimum, TimeSpan Maximum)
{
    public static readonly TimeSpan DefaultMinimum = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultMaximum = TimeSpan.FromSeconds(600);

    /// <summary>The wait after the <paramref name="failures"/>-th nack or expiry (1 for the first).</summary>
    public TimeSpan BackoffAfter(int failures)
    {
        var ticks = Minimum.Ticks;
        if (ticks == 0)
        {
            return TimeSpan.Zero;
        }

        for (var i = 1; i < failures && ticks < Maximum.Ticks; i++)
        {
            ticks *= 2;
        }

        return TimeSpan.FromTicks(Math.Min(ticks, Maximum.Ticks));
    }
}

/// <summary>Where a message goes once it has failed <see cref="MaxDeliveryAttempts"/> deliveries.</summary>
internal sealed record DeadLetterSettings(string Topic, int MaxDeliveryAttempts)
{
    public const int DefaultMaxDeliveryAttempts = 5;
    public const int MinMaxDeliveryAttempts = 5;
    public const int MaxMaxDeliveryAttempts = 100;
}

/// <summary>The delivery rules of a subscription, validated once at creation.</summary>
internal sealed record SubscriptionSettings(TimeSpan AckDeadline, RetrySettings? Retry, DeadLetterSettings? DeadLetter)
{
    public const int MinAckDeadlineSeconds = 10;
    public const int MaxAckDeadlineSeconds = 600;
    public const int DefaultAckDeadlineSeconds = 10;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(600);

    public static bool IsValidAckDeadline(int seconds) => seconds is >= MinAckDeadlineSeconds and <= MaxAckDeadlineSeconds;

    /// <summary>Validates a CreateSubscription request and fills in the service defaults it leaves out.</summary>
    /// <returns>The settings, and the resource as GetSubscription will report it.</returns>
    /// <exception cref="Grpc.Core.RpcException">INVALID_ARGUMENT or UNIMPLEMENTED, naming the field.</exception>
    public static (SubscriptionSettings Settings, Subscription Resource) FromRequest(Subscription request)
    {
        var resource = request.Clone();
        if (resource.AckDeadlineSeconds == 0)
        {
            resource.AckDeadlineSeconds = DefaultAckDeadlineSeconds;
        }
        else if (!IsValidAckDeadline(resource.AckDeadlineSeconds))
        {
            throw RpcErrors.InvalidArgument(
                $"Invalid ack_deadline_seconds ({request.AckDeadlineSeconds}): it must be between 10 and 600, or 0 for the default of 10.");
        }

        RejectUnsupported(request);
        return (new SubscriptionSettings(
            TimeSpan.FromSeconds(resource.AckDeadlineSeconds),
            ReadRetryPolicy(resource),
            ReadDeadLetterPolicy(resource)), resource);
    }

    private static void RejectUnsupported(Subscription request)
    {
        // These change delivery semantics; accepting and then ignoring them would make tests pass for the wrong reason.
        if (request.Filter.Length > 0)
        {
            throw RpcErrors.Unimplemented("The emulator does not support subscription filters.");
        }

        if (request.EnableExactlyOnceDelivery)
        {
            throw RpcErrors.Unimplemented("The emulator does not support exactly-once delivery.");
        }

        if (request.EnableMessageOrdering)
        {
            throw RpcErrors.Unimplemented("The emulator does not support message ordering.");
        }
    }

    private static RetrySettings? ReadRetryPolicy(Subscription resource)
    {
        if (resource.RetryPolicy is not { } policy)
        {
            return null;
        }

        policy.MinimumBackoff ??= Duration.FromTimeSpan(RetrySettings.DefaultMinimum);
        policy.MaximumBackoff ??= Duration.FromTimeSpan(RetrySettings.DefaultMaximum);
        var minimum = ReadBackoff(policy.MinimumBackoff, "retry_policy.minimum_backoff");
        var maximum = ReadBackoff(policy.MaximumBackoff, "retry_policy.maximum_backoff");
        if (minimum > maximum)
        {
            throw RpcErrors.InvalidArgument(
                $"Invalid retry_policy: minimum_backoff ({minimum.TotalSeconds} s) exceeds maximum_backoff ({maximum.TotalSeconds} s).");
        }

        return new RetrySettings(minimum, maximum);
    }

    private static TimeSpan ReadBackoff(Duration duration, string field)
    {
        if (duration.Seconds < 0 || duration.Nanos < 0 || duration.ToTimeSpan() > MaxBackoff)
        {
            throw RpcErrors.InvalidArgument($"Invalid {field} ({duration}): it must be between 0 and 600 seconds.");
        }

        return duration.ToTimeSpan();
    }

    private static DeadLetterSettings? ReadDeadLetterPolicy(Subscription resource)
    {
        if (resource.DeadLetterPolicy is not { } policy)
        {
            return null;
        }

        ResourceNames.Validate(policy.DeadLetterTopic, ResourceNames.Topics, "dead_letter_policy.dead_letter_topic");
        if (policy.MaxDeliveryAttempts == 0)
        {
            policy.MaxDeliveryAttempts = DeadLetterSettings.DefaultMaxDeliveryAttempts;
        }
        else if (policy.MaxDeliveryAttempts is < DeadLetterSettings.MinMaxDeliveryAttempts or > DeadLetterSettings.MaxMaxDeliveryAttempts)
        {
            throw RpcErrors.InvalidArgument(
                $"Invalid dead_letter_policy.max_delivery_attempts ({policy.MaxDeliveryAttempts}): it must be between 5 and 100, or 0 for the default of 5.");
        }

        return new DeadLetterSettings(policy.DeadLetterTopic, policy.MaxDeliveryAttempts);
    }
}
