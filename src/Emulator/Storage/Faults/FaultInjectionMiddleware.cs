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
    private int _inFlight;
    private int _peakInFlight;

    public long RequestCount => Interlocked.Read(ref _requestCount);

    /// <summary>The most requests being answered at once since the last <see cref="ResetPeak"/>.</summary>
    public int PeakInFlight => Volatile.Read(ref _peakInFlight);

    public void ResetPeak() => Volatile.Write(ref _peakInFlight, Volatile.Read(ref _inFlight));

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        Interlocked.Increment(ref _requestCount);
        var inFlight = Interlocked.Increment(ref _inFlight);
        for (var peak = Volatile.Read(ref _peakInFlight); inFlight > peak; peak = Volatile.Read(ref _peakInFlight))
        {
            Interlocked.CompareExchange(ref _peakInFlight, inFlight, peak);
        }

        try
        {
            await AnswerAsync(context, next);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task AnswerAsync(HttpContext context, RequestDelegate next)
    {
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
