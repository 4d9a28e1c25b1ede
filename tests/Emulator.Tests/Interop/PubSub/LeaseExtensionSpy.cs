using Google.Cloud.PubSub.V1;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace PullWorker.Emulator.Tests.Interop.PubSub;

/// <summary>
/// Sees the client's unary ModifyAckDeadline calls with a positive deadline: the first for a message is its receipt
/// (the client sets its own deadline at once), the later ones are lease extensions.
/// </summary>
internal sealed class LeaseExtensionSpy : Interceptor
{
    private readonly TaskCompletionSource _received = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _extended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _answered;

    public Task Received => _received.Task;

    public Task Extended => _extended.Task;

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(request, context);
        if (request is ModifyAckDeadlineRequest { AckDeadlineSeconds: > 0 })
        {
            // Signalled once the service has answered, so the extension is in force when the test goes on.
            _ = call.ResponseAsync.ContinueWith(
                _ => (Interlocked.Increment(ref _answered) == 1 ? _received : _extended).TrySetResult(), TaskScheduler.Default);
        }

        return call;
    }
}
