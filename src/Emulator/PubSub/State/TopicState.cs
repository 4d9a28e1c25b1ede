using System.Collections.Immutable;
using Google.Cloud.PubSub.V1;

namespace PullWorker.Emulator.PubSub.State;

/// <summary>A topic and the subscriptions attached to it. The list is copy-on-write so a publish fans out without a lock.</summary>
internal sealed class TopicState(Topic resource)
{
    private ImmutableArray<SubscriptionState> _subscriptions = [];

    public string Name => resource.Name;

    public Topic Describe() => resource.Clone();

    public void Attach(SubscriptionState subscription) =>
        ImmutableInterlocked.Update(ref _subscriptions, list => list.Add(subscription));

    public void Detach(SubscriptionState subscription) =>
        ImmutableInterlocked.Update(ref _subscriptions, list => list.Remove(subscription));

    /// <summary>Removes and returns every attached subscription (the topic is being deleted).</summary>
    public ImmutableArray<SubscriptionState> DetachAll() => ImmutableInterlocked.InterlockedExchange(ref _subscriptions, []);

    /// <summary>Every subscription attached now gets every message.</summary>
    public void FanOut(IReadOnlyList<PublishedMessage> messages)
    {
        foreach (var subscription in _subscriptions)
        {
            subscription.Enqueue(messages);
        }
    }
}
