using Google.Cloud.PubSub.V1;

namespace PullWorker.Worker.Cli.Shared;

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
            await Task.WhenAll(pending).ContinueWith(_ => { }, TaskScheduler.Default);
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
}
