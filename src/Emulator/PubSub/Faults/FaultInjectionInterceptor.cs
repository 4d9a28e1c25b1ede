using Grpc.Core;
using Grpc.Core.Interceptors;

namespace PullWorker.Emulator.PubSub.Faults;

/// <summary>Fails a call with an injected status before its handler runs, so an injected failure changes no state.</summary>
internal sealed class FaultInjectionInterceptor(FaultInjector faults) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ThrowIfInjected(context);
        return continuation(request, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ThrowIfInjected(context);
        return continuation(requestStream, responseStream, context);
    }

    private void ThrowIfInjected(ServerCallContext context)
    {
        if (faults.TryTake(context.Method, out var code))
        {
            throw new RpcException(new Status(code, $"Injected by the emulator's test hook: {code}."));
        }
    }
}
