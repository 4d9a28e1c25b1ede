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
        PublisherClient publisher, IReadOnlyList<PubsubMessage> messages, Action published, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(published);
        var ids = new string[messages.Count];
        await PublishStreamAsync(
            publisher,
            messages.Select((message, index) => (index, message)).ToAsyncEnumerable(),
            (index, id) =>
            {
                ids[index] = id;
                published();
            },
            cancellationToken);
        return ids;
    }

    /// <summary>
    /// Publishes a stream of any length and keeps nothing once a message is published, so memory stays flat:
    /// <paramref name="published"/> gets each message's key and ID once it is stored. Returns how many were
    /// published; the first publish failure is rethrown after the ones in flight finish.
    /// </summary>
    public static async Task<int> PublishStreamAsync<TKey>(
        PublisherClient publisher,
        IAsyncEnumerable<(TKey Key, PubsubMessage Message)> messages,
        Action<TKey, string> published,
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
            await foreach (var (key, message) in messages.WithCancellation(cancellationToken))
            {
                await window.WaitAsync(cancellationToken);
                if (Volatile.Read(ref failure) is not null)
                {
                    window.Release();
                    break;
                }

                _ = PublishOneAsync(key, message);
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

        async Task PublishOneAsync(TKey key, PubsubMessage message)
        {
            try
            {
                // The client batches and retries on its own and takes no token; a cancelled run stops adding more.
                var id = await publisher.PublishAsync(message);
                Interlocked.Increment(ref count);
                published(key, id);
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
