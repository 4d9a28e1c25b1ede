using System.Globalization;

namespace PullWorker.Emulator.PubSub.State;

/// <summary>
/// Names one delivery of one message on one subscription. The delivery number makes ack IDs of earlier
/// deliveries stale, so a late ack of a redelivered message is ignored instead of acking the new delivery;
/// the subscription incarnation does the same for a subscription deleted and created again.
/// </summary>
internal readonly record struct AckId(long Incarnation, long Sequence, int Delivery)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Incarnation:x}-{Sequence:x}-{Delivery:x}");

    public static bool TryParse(string text, out AckId ackId)
    {
        ackId = default;
        var span = text.AsSpan();
        Span<Range> parts = stackalloc Range[4];
        if (span.Split(parts, '-') != 3)
        {
            return false;
        }

        const NumberStyles Hex = NumberStyles.AllowHexSpecifier;
        if (!long.TryParse(span[parts[0]], Hex, CultureInfo.InvariantCulture, out var incarnation)
            || !long.TryParse(span[parts[1]], Hex, CultureInfo.InvariantCulture, out var sequence)
            || !int.TryParse(span[parts[2]], Hex, CultureInfo.InvariantCulture, out var delivery))
        {
            return false;
        }

        ackId = new AckId(incarnation, sequence, delivery);
        return true;
    }
}
