using PullWorker.Emulator.Storage.Errors;
using PullWorker.Emulator.Storage.Http;

namespace PullWorker.Emulator.Storage.Faults;

/// <summary>
/// The first step of every request: counts it, delays it by <see cref="StorageFaults.Latency"/> and, if
/// <see cref="StorageFaults"/> says so, answers with an error before any endpoint runs, so an injected
/// failure never changes state (a resumable session stays where it was).
/// </summary>
internal sealed class FaultInjectionMiddleware(StorageFaults faults, TimeProvider time)
{
    private long _requestCount;

    public long RequestCount => Interlocked.Read(ref _requestCount);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        Interlocked.Increment(ref _requestCount);
        var (latency, failWith) = faults.NextRequest();
        try
        {
            if (latency > TimeSpan.Zero)
            {
                await Task.Delay(latency, time, context.RequestAborted);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client gave up while we were being slow on purpose.
            return;
        }

        if (failWith is { } status)
        {
            var reason = StorageException.ReasonFor(status);
            await context.Response.WriteErrorAsync(
                status, reason, $"Injected failure (emulator test hook): {status} {reason}.", context.RequestAborted);
            return;
        }

        await next(context);
    }
}
