namespace PullWorker.Worker.Storage;

/// <summary>
/// Retries an idempotent Cloud Storage operation that failed transiently (<see cref="StorageErrors.IsTransient"/>),
/// each attempt bounded by <see cref="StorageOptions.RequestTimeout"/> (on the injected clock), with exponential
/// backoff, each delay jittered to 50-100 %, between <see cref="StorageOptions.RetryBaseDelay"/> and <see cref="StorageOptions.RetryMaxDelay"/>. After
/// <see cref="StorageOptions.RetryAttempts"/> retries the last failure propagates.
/// </summary>
public sealed class TransientRetry(StorageOptions options, TimeProvider time)
{
    public Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken) =>
        RunAsync(attempt, options.RequestTimeout, cancellationToken);

    /// <param name="attemptTimeout">Per attempt; <see cref="Timeout.InfiniteTimeSpan"/> for a transfer of any size.</param>
    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> attempt, TimeSpan attemptTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var delay = options.RetryBaseDelay;
        for (var retry = 0; ; retry++)
        {
            using var timeout = new CancellationTokenSource(attemptTimeout, time);
            using var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                return await attempt(attemptCts.Token);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                if (retry >= options.RetryAttempts)
                {
                    throw new TimeoutException($"a Cloud Storage request took longer than {attemptTimeout} (Storage:RequestTimeout)", e);
                }
            }
            catch (Exception e) when (retry < options.RetryAttempts && StorageErrors.IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(Jittered(delay), time, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.RetryMaxDelay.Ticks));
        }
    }

    // Jitter: concurrent writers that failed together do not retry together.
#pragma warning disable CA5394 // Not security-relevant: spreads retries in time.
    private static TimeSpan Jittered(TimeSpan delay) => TimeSpan.FromTicks((long)(delay.Ticks * (0.5 + (Random.Shared.NextDouble() / 2))));
#pragma warning restore CA5394
}
