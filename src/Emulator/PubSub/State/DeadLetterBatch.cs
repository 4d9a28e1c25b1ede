using System.Globalization;
using Google.Cloud.PubSub.V1;

namespace PullWorker.Emulator.PubSub.State;

/// <summary>Messages that ran out of delivery attempts during one operation, collected under the lock and published after it.</summary>
internal sealed class DeadLetterBatch
{
    private List<(PubsubMessage Original, int DeliveryAttempts)>? _items;

    public bool IsEmpty => _items is null;

    public void Add(PubsubMessage original, int deliveryAttempts) => (_items ??= []).Add((original, deliveryAttempts));

    /// <summary>
    /// Copies keep data, ordering key and every original attribute, plus the CloudPubSubDeadLetterSource*
    /// attributes the service adds so a consumer of the dead-letter topic can tell where a message came from.
    /// </summary>
    public List<PubsubMessage> ToMessages(string sourceSubscription)
    {
        var parts = sourceSubscription.Split('/');
        var messages = new List<PubsubMessage>(_items?.Count ?? 0);
        foreach (var (original, attempts) in _items ?? [])
        {
            var copy = new PubsubMessage { Data = original.Data, OrderingKey = original.OrderingKey };
            copy.Attributes.Add(original.Attributes);
            copy.Attributes["CloudPubSubDeadLetterSourceDeliveryCount"] = attempts.ToString(CultureInfo.InvariantCulture);
            copy.Attributes["CloudPubSubDeadLetterSourceSubscription"] = parts[^1];
            copy.Attributes["CloudPubSubDeadLetterSourceSubscriptionProject"] = parts[1];
            copy.Attributes["CloudPubSubDeadLetterSourceTopicPublishTime"] = original.PublishTime?.ToDateTimeOffset().ToString("O", CultureInfo.InvariantCulture) ?? "";
            messages.Add(copy);
        }

        return messages;
    }
}
