namespace PullWorker.Emulator.PubSub.State;

/// <summary>What a subscription needs from the emulator around it: the clock, the pause switch, and topics for dead letters.</summary>
internal interface IDeliveryHost
{
    TimeProvider Time { get; }

    bool IsDeliveryPaused { get; }

    /// <summary>False (and a warning) when the dead-letter topic is gone: the message is then redelivered instead.</summary>
    bool CanDeadLetterTo(string topic);

    /// <summary>Publishes the batch to its dead-letter topic; called outside the subscription's lock.</summary>
    void ForwardDeadLetters(SubscriptionState source, DeadLetterBatch batch);
}
