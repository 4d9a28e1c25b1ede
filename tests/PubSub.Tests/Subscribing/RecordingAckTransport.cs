using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using PullWorker.PubSub.Subscribing.Acking;

namespace PullWorker.PubSub.Tests.Subscribing;

/// <summary>Records each RPC; fails the next calls with queued exceptions.</summary>
internal sealed class RecordingAckTransport : IAckTransport
{
    private readonly ConcurrentQueue<Func<IReadOnlyList<string>, Exception?>> _failures = new();

    public Channel<(string Method, int Deadline, IReadOnlyList<string> Ids)> Calls { get; } =
        Channel.CreateUnbounded<(string, int, IReadOnlyList<string>)>();

    public void FailNext(Func<IReadOnlyList<string>, Exception?> failure) => _failures.Enqueue(failure);

    public void FailNext(StatusCode code) => FailNext(_ => new RpcException(new Status(code, "injected")));

    public Task AcknowledgeAsync(IReadOnlyList<string> ackIds, CancellationToken cancellationToken) => Call("Acknowledge", 0, ackIds);

    public Task ModifyAckDeadlineAsync(IReadOnlyList<string> ackIds, int deadlineSeconds, CancellationToken cancellationToken) =>
        Call("ModifyAckDeadline", deadlineSeconds, ackIds);

    private Task Call(string method, int deadline, IReadOnlyList<string> ids)
    {
        Calls.Writer.TryWrite((method, deadline, ids));
        return _failures.TryDequeue(out var failure) && failure(ids) is { } error ? Task.FromException(error) : Task.CompletedTask;
    }
}
