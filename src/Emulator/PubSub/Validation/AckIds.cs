using PullWorker.Emulator.PubSub.State;

namespace PullWorker.Emulator.PubSub.Validation;

internal static class AckIds
{
    /// <exception cref="Grpc.Core.RpcException">INVALID_ARGUMENT for an ID this emulator never issued.</exception>
    public static List<AckId> Parse(IReadOnlyList<string> ackIds, string field)
    {
        var parsed = new List<AckId>(ackIds.Count);
        foreach (var text in ackIds)
        {
            parsed.Add(AckId.TryParse(text, out var ackId)
                ? ackId
                : throw RpcErrors.InvalidArgument($"You have passed an invalid ack ID to the service ({field}: '{text}')."));
        }

        return parsed;
    }
}
