using Grpc.Core;
using Microsoft.Extensions.Logging;
using PullWorker.PubSub.Connection;

namespace PullWorker.PubSub.Subscribing.Acking;

/// <summary>
/// Sends one batch with retries and tells each ID how it went. Exactly-once subscriptions report per-ID
/// results in ErrorInfo metadata: permanent failures are final, transient ones are retried alone.
/// Retry budgets follow google-cloud-dotnet: acks and nacks 10 min, receipts and extensions 10 s.
/// </summary>
internal sealed class AckSender(IAckTransport transport, TimeProvider time, Func<bool> exactlyOnce, ILogger logger)
{
    public static readonly TimeSpan SettleRetryBudget = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan LeaseRetryBudget = TimeSpan.FromSeconds(10);

    public static TimeSpan RetryBudget(AckKind kind) => kind is AckKind.Ack or AckKind.Nack ? SettleRetryBudget : LeaseRetryBudget;

    /// <summary>Never throws: every ID's completion is called exactly once, whatever happens.</summary>
    public async Task SendAsync(AckBatch batch, CancellationToken cancellationToken)
    {
        var pending = batch.Items;
        var started = time.GetTimestamp();
        var backoff = new ExponentialBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(64));
        try
        {
            while (true)
            {
                var (failed, status) = await TryOnceAsync(batch, pending, cancellationToken);
                if (failed.Count == 0)
                {
                    return;
                }

                var delay = backoff.Next();
                if (time.GetElapsedTime(started) + delay > RetryBudget(batch.Kind))
                {
                    Fail(batch.Kind, failed, new AckOutcome(AckStatus.TransientFailure, status.ToString()));
                    return;
                }

                pending = failed;
                await Task.Delay(delay, time, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Fail(batch.Kind, pending, new AckOutcome(AckStatus.TransientFailure, "subscriber stopped"));
        }
        catch (Exception ex)
        {
            logger.AckSendCrashed(ex, batch.Kind, pending.Count);
            Fail(batch.Kind, pending, new AckOutcome(AckStatus.PermanentFailure, ex.Message));
        }
    }

    /// <summary>One attempt; returns the IDs worth retrying.</summary>
    private async Task<(IReadOnlyList<PendingAck> Retry, StatusCode Status)> TryOnceAsync(
        AckBatch batch, IReadOnlyList<PendingAck> items, CancellationToken cancellationToken)
    {
        try
        {
            var ids = items.Select(item => item.AckId).ToArray();
            if (batch.Kind == AckKind.Ack)
            {
                await transport.AcknowledgeAsync(ids, cancellationToken);
            }
            else
            {
                await transport.ModifyAckDeadlineAsync(ids, batch.DeadlineSeconds, cancellationToken);
            }

            foreach (var item in items)
            {
                item.Complete(AckOutcome.Succeeded);
            }

            return ([], StatusCode.OK);
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return (Classify(batch.Kind, items, ex), ex.StatusCode);
        }
    }

    private List<PendingAck> Classify(AckKind kind, IReadOnlyList<PendingAck> items, RpcException error)
    {
        var perId = exactlyOnce() ? ErrorInfo.FromException(error)?.Metadata : null;
        var retry = new List<PendingAck>();
        var permanent = new List<PendingAck>();
        foreach (var item in items)
        {
            if (perId is { Count: > 0 })
            {
                // With per-ID results, an ID the metadata does not mention went through.
                if (!perId.TryGetValue(item.AckId, out var result))
                {
                    item.Complete(AckOutcome.Succeeded);
                }
                else if (result.StartsWith("TRANSIENT_", StringComparison.Ordinal))
                {
                    retry.Add(item);
                }
                else
                {
                    item.Complete(new AckOutcome(AckStatus.PermanentFailure, result));
                    permanent.Add(item);
                }
            }
            else if (IsTransient(error.StatusCode))
            {
                retry.Add(item);
            }
            else
            {
                permanent.Add(item);
            }
        }

        if (permanent.Count > 0)
        {
            Fail(kind, perId is { Count: > 0 } ? [] : permanent, new AckOutcome(AckStatus.PermanentFailure, $"{error.StatusCode}: {error.Status.Detail}"));
            logger.AckFailed(kind, permanent.Count, AckStatus.PermanentFailure, error.Status.Detail);
        }

        return retry;
    }

    /// <summary>Codes google-cloud-dotnet retries for ack and modack RPCs (exactly-once's list; a superset of UNAVAILABLE).</summary>
    internal static bool IsTransient(StatusCode code) => code is StatusCode.Unavailable or StatusCode.DeadlineExceeded
        or StatusCode.ResourceExhausted or StatusCode.Aborted or StatusCode.Internal;

    private void Fail(AckKind kind, IReadOnlyList<PendingAck> items, AckOutcome outcome)
    {
        if (items.Count == 0)
        {
            return;
        }

        if (outcome.Status == AckStatus.TransientFailure)
        {
            logger.AckFailed(kind, items.Count, outcome.Status, outcome.Reason);
        }

        foreach (var item in items)
        {
            item.Complete(outcome);
        }
    }
}
