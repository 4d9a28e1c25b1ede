using Google.Cloud.PubSub.V1;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using PullWorker.PubSub.Connection;

namespace PullWorker.PubSub.Subscribing;

/// <summary>
/// One StreamingPull stream, reopened for as long as the subscriber pulls. Streams always end with a
/// non-OK status by design, so routine endings reopen at once; errors reopen with jittered exponential
/// backoff (0.5 s to 30 s, reset by data); non-retryable codes end the subscriber with a clear error.
/// A graceful close half-closes the stream and reads on until the service ends it, so messages already
/// on the wire reach the inventory (to be nacked) instead of waiting out their lease on the service.
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

    /// <summary>
    /// Pulls until <paramref name="closeToken"/> asks for a graceful close (the open stream is half-closed
    /// and read until the service ends it) or <paramref name="pullToken"/> cancels the call outright.
    /// </summary>
    /// <exception cref="PubSubConfigurationException">The service refused the subscription (NOT_FOUND, PERMISSION_DENIED, ...).</exception>
    /// <exception cref="RpcException">Too many consecutive failures, or an unexpected non-retryable status.</exception>
    public async Task RunAsync(CancellationToken closeToken, CancellationToken pullToken)
    {
        var time = context.Time;
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(closeToken, pullToken);
        while (!stopping.IsCancellationRequested)
        {
            var opened = time.GetTimestamp();
            var end = await PullOnceAsync(closeToken, pullToken);
            if (stopping.IsCancellationRequested)
            {
                // However the stream ended, it was asked to: no reopening, and no status is a failure now.
                return;
            }

            var delay = NextDelay(end, time.GetElapsedTime(opened));
            if (delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(delay, time, stopping.Token);
                }
                catch (OperationCanceledException) when (closeToken.IsCancellationRequested && !pullToken.IsCancellationRequested)
                {
                    return;
                }
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

    private async Task<StreamEnd> PullOnceAsync(CancellationToken closeToken, CancellationToken pullToken)
    {
        var settings = context.Settings;
        using var silence = new CancellationTokenSource(Timeout.InfiniteTimeSpan, context.Time);
        using var callCts = CancellationTokenSource.CreateLinkedTokenSource(pullToken, silence.Token);
        var deadline = context.Time.GetUtcNow().UtcDateTime + settings.StreamDeadline;
        using var call = client.StreamingPull(PubSubConnection.RoutedCall("subscription", context.Subscription, deadline, callCts.Token));
        var writing = Task.CompletedTask;
        try
        {
            var first = context.FirstRequest();
            await call.RequestStream.WriteAsync(first, callCts.Token);
            writing = WriteRequestsAsync(call.RequestStream, first.StreamAckDeadlineSeconds, closeToken, callCts.Token);
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
                    // Once the subscriber stops, the inventory sets these aside to nack when the stream has ended.
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
            await writing;
        }
    }

    /// <summary>
    /// The only writer after the first request (a call allows one pending write): an empty request every
    /// keep-alive interval, so idle streams are not cut (google-cloud-dotnet#1505), carrying the learned
    /// lease when it changed; then, once <paramref name="closeToken"/> fires, the half-close. The Go client
    /// half-closes its stream on stop too (CloseSend in messageIterator.sender), and Google's fake server
    /// (pubsub/pstest) ends a stream with OK when its client half-closes, after which the read loop has
    /// drained everything the service had sent.
    /// </summary>
    private async Task WriteRequestsAsync(
        IClientStreamWriter<StreamingPullRequest> writer, int sentDeadlineSeconds, CancellationToken closeToken, CancellationToken callToken)
    {
        try
        {
            using var ticking = CancellationTokenSource.CreateLinkedTokenSource(closeToken, callToken);
            using var timer = new PeriodicTimer(context.Settings.KeepAliveInterval, context.Time);
            try
            {
                while (await timer.WaitForNextTickAsync(ticking.Token))
                {
                    var request = context.KeepAlive(sentDeadlineSeconds);
                    await writer.WriteAsync(request, callToken);
                    if (request.StreamAckDeadlineSeconds != 0)
                    {
                        context.Logger.StreamAckDeadlineUpdated(index, sentDeadlineSeconds, request.StreamAckDeadlineSeconds);
                        sentDeadlineSeconds = request.StreamAckDeadlineSeconds;
                    }
                }
            }
            catch (OperationCanceledException) when (closeToken.IsCancellationRequested && !callToken.IsCancellationRequested)
            {
                // Stopping: fall through to the half-close.
            }

            callToken.ThrowIfCancellationRequested();
            await writer.CompleteAsync();
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException or InvalidOperationException)
        {
            // The call ended (or is ending); the read loop reports why.
        }
    }

    private readonly record struct StreamEnd(RpcException? Error, bool Silent);
}
