using Google.Protobuf;

namespace PullWorker.PubSub.Subscribing.Acking;

/// <summary>
/// Splits ack IDs into requests the service accepts: at most 2,500 IDs and under 512 KiB each.
/// A count cap alone is not enough: 3,000 long IDs overflowed 512 KiB in nodejs-pubsub#1864.
/// </summary>
internal static class AckBatching
{
    public const int MaxIdsPerRequest = 2_500;

    /// <summary>The service rejects Acknowledge/ModifyAckDeadline requests of 524,288 bytes or more.</summary>
    public const int MaxRequestBytes = 512 * 1024;

    /// <summary>Bytes a request carries besides its IDs: the subscription field and the deadline field.</summary>
    public static int FixedBytes(string subscription) =>
        1 + CodedOutputStream.ComputeStringSize(subscription) + 1 + CodedOutputStream.ComputeInt32Size(600);

    /// <summary>Bytes one ID adds: its tag, length prefix and characters.</summary>
    public static int IdBytes(string ackId) => 1 + CodedOutputStream.ComputeStringSize(ackId);

    public static List<List<PendingAck>> Split(
        IReadOnlyList<PendingAck> items, int fixedBytes, int maxIds = MaxIdsPerRequest, int maxBytes = MaxRequestBytes)
    {
        var batches = new List<List<PendingAck>>();
        var current = new List<PendingAck>();
        var bytes = fixedBytes;
        foreach (var item in items)
        {
            var size = IdBytes(item.AckId);
            if (current.Count > 0 && (current.Count == maxIds || bytes + size >= maxBytes))
            {
                batches.Add(current);
                current = [];
                bytes = fixedBytes;
            }

            current.Add(item);
            bytes += size;
        }

        if (current.Count > 0)
        {
            batches.Add(current);
        }

        return batches;
    }
}
