using Google.Cloud.PubSub.V1;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using PullWorker.PubSub.Connection;

namespace PullWorker.PubSub.Subscribing;

/// <summary>
/// One StreamingPull stream, reopened for as long as the subscriber pulls. Streams always end with a
/// non-OK status by design, so routine endings reopen at once; errors reopen with jittered exponential
/// backoff (0.5 s to 30 s, reset by data); non-retryable codes end the subscriber with a clear error.
/// </summary>
internal sealed class PullStream(
    int index,
    Subscriber.SubscriberClient client,
    StreamContext context,
    LeaseInventory inventory)
{
    public static readonly TimeSpan InitialBackoff = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <summary>UNAVAILABLE after this long is the server rebalancing, not a failure (google-cloud-dotnet).</summary>
    public static readonly TimeSpan RoutineLifetime = TimeSpan.FromSeconds(45);

    private readonly ExponentialBackoff _backoff = new(InitialBackoff, MaxBackoff);
    private int _failures;

    /// <summary>Pulls until <paramref name="pullToken"/> is cancelled.</summary>
    /// <exception cref="PubSubConfigurationException">The service refused the subscription (NOT_FOUND, PERMISSION_DENIED, ...).</exception>
    /// <exception cref="RpcException">Too many consecutive failures, or an unexpected non-retryable status.</exception>
    public async Task RunAsync(CancellationToken pullToken)
    {
        var time = context.Time;
        while (!pullToken.IsCancellationRequested)
        {
            var opened = time.GetTimestamp();
            var end = await PullOnceAsync(pullToken);
            if (pullToken.IsCancellationRequested)
            {
                return;
            }

            var delay = NextDelay(end, time.GetElapsedTime(opened));
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, time, pullToken);
            }
        }
    }

    internal static bool IsRetryable(StatusCode code) => code is StatusCode.OK or StatusCode.Aborted or StatusCode.Cancelled
        or StatusCode.DeadlineExceeded or StatusCode.Internal or StatusCode.ResourceExhausted or StatusCode.Unknown
        or StatusCode.Unavailable;

    private TimeSpan NextDelay(StreamEnd end, TimeSpan lifetime)
    {
        var logger = context.Logger;
        if (end.Silent)
        {
            context.Metrics.StreamRestarted("SILENCE");
            logger.StreamSilent(index, context.Settings.StreamSilenceTimeout);
            return TimeSpan.Zero;
        }

        var error = end.Error;
        var code = error?.StatusCode ?? StatusCode.OK;
        context.Metrics.StreamRestarted(code);
        if (error is not null && !IsRetryable(code))
        {
            throw PubSubErrors.DescribeSubscriptionError(error, context.Subscription, context.Identity) ?? (Exception)error;
        }

        if (code is StatusCode.Unavailable or StatusCode.DeadlineExceeded && lifetime >= RoutineLifetime)
        {
            _backoff.Reset();
            _failures = 0;
            logger.StreamReopening(index, code.ToString(), lifetime, TimeSpan.Zero);
            return TimeSpan.Zero;
        }

        if (++_failures >= context.Settings.MaxConsecutiveStreamFailures)
        {
            throw error ?? new RpcException(new Status(StatusCode.Unavailable, $"stream closed {_failures} times in a row without data"));
        }

        var delay = _backoff.Next();
        logger.StreamFailed(index, code, error?.Status.Detail ?? "closed without status", delay, _failures);
        return delay;
    }

    private async Task<StreamEnd> PullOnceAsync(CancellationToken pullToken)
    {
        var settings = context.Settings;
        using var silence = new CancellationTokenSource(Timeout.InfiniteTimeSpan, context.Time);
        using var callCts = CancellationTokenSource.CreateLinkedTokenSource(pullToken, silence.Token);
        var deadline = context.Time.GetUtcNow().UtcDateTime + settings.StreamDeadline;
        using var call = client.StreamingPull(PubSubConnection.RoutedCall("subscription", context.Subscription, deadline, callCts.Token));
        var keepAlive = Task.CompletedTask;
        try
        {
            await call.RequestStream.WriteAsync(context.FirstRequest(), callCts.Token);
            keepAlive = KeepAliveAsync(call.RequestStream, callCts.Token);
            silence.CancelAfter(settings.StreamSilenceTimeout);
            while (await call.ResponseStream.MoveNext(callCts.Token))
            {
                _backoff.Reset();
                _failures = 0;
                var response = call.ResponseStream.Current;
                if (response.SubscriptionProperties is { } properties)
                {
                    context.Timing.ExactlyOnce = properties.ExactlyOnceDeliveryEnabled;
                }

                if (response.ReceivedMessages.Count > 0)
                {
                    context.Metrics.Received(response.ReceivedMessages.Count);
                    inventory.Receive(response.ReceivedMessages, context.Timing.ExactlyOnce);
                }

                // While the held queue is full the stream is not read, so the server's flow control and
                // HTTP/2 windows hold further messages back; the watchdog must not count this as silence.
                silence.CancelAfter(Timeout.InfiniteTimeSpan);
                await inventory.WaitForRoomAsync(callCts.Token);
                silence.CancelAfter(settings.StreamSilenceTimeout);
            }

            return new StreamEnd(null, Silent: false);
        }
        catch (RpcException ex) when (!pullToken.IsCancellationRequested)
        {
            return silence.IsCancellationRequested ? new StreamEnd(null, Silent: true) : new StreamEnd(ex, Silent: false);
        }
        catch (OperationCanceledException) when (silence.IsCancellationRequested && !pullToken.IsCancellationRequested)
        {
            return new StreamEnd(null, Silent: true);
        }
        catch (Exception ex) when (ex is RpcException or OperationCanceledException && pullToken.IsCancellationRequested)
        {
            // Stopping: the caller sees the cancelled token.
            return new StreamEnd(null, Silent: false);
        }
        finally
        {
            await callCts.CancelAsync();
            await keepAlive;
        }
    }

    /// <summary>Empty requests keep idle streams from being cut (google-cloud-dotnet#1505) and ask for pongs.</summary>
    private async Task KeepAliveAsync(IClientStreamWriter<StreamingPullRequest> writer, CancellationToken callToken)
    {
        try
        {
            using var timer = new PeriodicTimer(context.Settings.KeepAliveInterval, context.Time);
            while (await timer.WaitForNextTickAsync(callToken))
            {
                await writer.WriteAsync(new StreamingPullRequest(), callToken);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException or InvalidOperationException)
        {
            // The call ended (or is ending); the read loop reports why.
        }
    }

    private readonly record struct StreamEnd(RpcException? Error, bool Silent);
}
