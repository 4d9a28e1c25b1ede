using System.Collections.Frozen;
using Grpc.Core;

namespace PullWorker.Emulator.PubSub.Faults;

/// <summary>Queued failures per RPC: each call of that RPC takes one and fails with it before doing anything.</summary>
internal sealed class FaultInjector
{
    public static readonly FrozenSet<string> Methods = FrozenSet.ToFrozenSet(
    [
        "CreateTopic", "GetTopic", "DeleteTopic", "Publish",
        "CreateSubscription", "GetSubscription", "DeleteSubscription",
        "Pull", "StreamingPull", "Acknowledge", "ModifyAckDeadline",
    ], StringComparer.Ordinal);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Queue<StatusCode>> _pending = new(StringComparer.Ordinal);

    /// <exception cref="ArgumentException">An RPC this emulator does not serve, a count below zero, or OK.</exception>
    public void Add(string method, StatusCode code, int count)
    {
        if (!Methods.Contains(method))
        {
            throw new ArgumentException($"'{method}' is not an RPC of this emulator; use one of {string.Join(", ", Methods)}.", nameof(method));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (code == StatusCode.OK)
        {
            throw new ArgumentException("An injected error needs a status other than OK.", nameof(code));
        }

        lock (_lock)
        {
            if (!_pending.TryGetValue(method, out var queue))
            {
                _pending[method] = queue = new Queue<StatusCode>();
            }

            for (var i = 0; i < count; i++)
            {
                queue.Enqueue(code);
            }
        }
    }

    /// <param name="fullMethod">The gRPC path, e.g. <c>/google.pubsub.v1.Publisher/Publish</c>.</param>
    public bool TryTake(string fullMethod, out StatusCode code)
    {
        code = StatusCode.OK;
        var method = fullMethod[(fullMethod.LastIndexOf('/') + 1)..];
        lock (_lock)
        {
            return _pending.TryGetValue(method, out var queue) && queue.TryDequeue(out code);
        }
    }
}
