using Google.Cloud.PubSub.V1;
using Google.Protobuf;

namespace PullWorker.PubSub.Publishing;

/// <summary>A message waiting to be published, and the caller waiting for its ID.</summary>
internal sealed record PendingPublish(PubsubMessage Message, int Size, TaskCompletionSource<string> Completion);

internal static class PublishBatching
{
    /// <summary>Bytes a message adds to a PublishRequest: its tag, length prefix and body.</summary>
    public static int RequestBytes(PubsubMessage message) => 1 + CodedOutputStream.ComputeMessageSize(message);

    /// <summary>Bytes of the request besides its messages.</summary>
    public static int FixedBytes(string topic) => 1 + CodedOutputStream.ComputeStringSize(topic);

    /// <summary>Whether <paramref name="next"/> still fits a batch of <paramref name="count"/> messages and <paramref name="bytes"/> bytes.</summary>
    public static bool Fits(int count, int bytes, PendingPublish next, PublisherSettings settings) =>
        count == 0 || (count < settings.MaxBatchMessages && bytes + next.Size <= settings.MaxBatchBytes);
}
