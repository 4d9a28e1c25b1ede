using Google.Cloud.PubSub.V1;

namespace PullWorker.Tools.Shared;

/// <summary>
/// Publishes a stream of messages through Google's batching <see cref="PublisherClient"/> with at most
/// <see cref="MaxInFlight"/> awaiting their IDs, so batches fill up without a whole file being held in flight.
/// </summary>
public static class PublishWindow
{
    public const int MaxInFlight = 5_000;

    /// <summary>Publishes every message; returns their IDs in order. <paramref name="published"/> runs once per ID.</summary>
    public static async Task<IReadOnlyList<string>> PublishAllAsync(
        PublisherClient publisher, IEnumerable<PubsubMessage> messages, Action published, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(publisher);
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(published);
        using var window = new SemaphoreSlim(MaxInFlight);
        var pending = new List<Task<string>>();
        try
        {
            foreach (var message in messages)
            {
                await window.WaitAsync(cancellationToken);
                pending.Add(PublishOneAsync(message));
            }
        }
        finally
        {
            // Whatever happened, every publish already started finishes before the window is disposed.
            await ((Task)Task.WhenAll(pending)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        return await Task.WhenAll(pending);

        async Task<string> PublishOneAsync(PubsubMessage message)
        {
            try
            {
                // The client batches and retries on its own and takes no token; a cancelled run stops adding more.
                var id = await publisher.PublishAsync(message);
                published();
                return id;
            }
            finally
            {
                window.Release();
            }
        }
    }

    /// <summary>
    /// Publishes a stream of any length with the same window and keeps nothing once a message is published, so
    /// memory stays flat: <paramref name="published"/> gets each job id once its message is stored. Returns how many
    /// were published; the first publish failure is rethrown after the ones in flight finish.
    /// </summary>
    public static async Task<int> PublishStreamAsync(
        PublisherClient publisher,
        IAsyncEnumerable<(string JobId, PubsubMessage Message)> messages,
        Action<string> published,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(publisher);
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(published);
        using var window = new SemaphoreSlim(MaxInFlight);
        var count = 0;
        Exception? failure = null;
        try
        {
            await foreach (var (jobId, message) in messages.WithCancellation(cancellationToken))
            {
                await window.WaitAsync(cancellationToken);
                if (Volatile.Read(ref failure) is not null)
                {
                    window.Release();
                    break;
                }

                _ = PublishOneAsync(jobId, message);
            }
        }
        finally
        {
            // Every publish already started finishes (and releases its slot) before the window is disposed.
            for (var i = 0; i < MaxInFlight; i++)
            {
                await window.WaitAsync(CancellationToken.None);
            }
        }

        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        return count;

        async Task PublishOneAsync(string jobId, PubsubMessage message)
        {
            try
            {
                await publisher.PublishAsync(message);
                Interlocked.Increment(ref count);
                published(jobId);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
            }
            finally
            {
                window.Release();
            }
        }
    }
}
