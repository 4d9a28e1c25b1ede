namespace PullWorker.PubSub.Subscribing;

public enum AckStatus
{
    /// <summary>The service accepted the ack or nack.</summary>
    Success,

    /// <summary>Retrying cannot help, e.g. the lease lapsed (<c>PERMANENT_FAILURE_INVALID_ACK_ID</c>); expect redelivery.</summary>
    PermanentFailure,

    /// <summary>The request kept failing with retryable errors until its retry budget or the subscriber's stop.</summary>
    TransientFailure,
}

/// <summary>What became of an ack or nack. Exactly-once subscriptions report per message; others per request.</summary>
public readonly record struct AckOutcome(AckStatus Status, string? Reason = null)
{
    public static AckOutcome Succeeded { get; } = new(AckStatus.Success);

    public bool IsSuccess => Status == AckStatus.Success;
}
