using Google.Cloud.PubSub.V1;

namespace PullWorker.Emulator.PubSub.State;

/// <summary>A message as stored after publish (ID and publish time set), with its size computed once for all subscriptions.</summary>
internal readonly record struct PublishedMessage(PubsubMessage Message, int Size)
{
    public static PublishedMessage Of(PubsubMessage message) => new(message, message.CalculateSize());
}
