using Google.Cloud.PubSub.V1;
using PullWorker.Tools.Shared;
using PullWorker.Worker.Messaging;
using Spectre.Console;

namespace PullWorker.Tools.Submit;

/// <summary>Publishes job messages to a topic in batches, with a progress bar.</summary>
/// <param name="emulatorHost">An emulator to publish to; null for <c>PUBSUB_EMULATOR_HOST</c> or else Pub/Sub.</param>
public sealed class JobSubmitter(IAnsiConsole console, string? emulatorHost)
{
    /// <summary>Publishes every message; returns their message IDs in order.</summary>
    public async Task<IReadOnlyList<string>> SubmitAsync(string topic, IReadOnlyList<PubsubMessage> messages, CancellationToken cancellationToken)
    {
        var publisher = await PubSubClients.PublisherAsync(topic, emulatorHost, cancellationToken);
        try
        {
            return await PublishAsync(publisher, messages, cancellationToken);
        }
        finally
        {
            await publisher.ShutdownAsync(cancellationToken);
        }
    }

    private Task<IReadOnlyList<string>> PublishAsync(PublisherClient publisher, IReadOnlyList<PubsubMessage> messages, CancellationToken cancellationToken) =>
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var bar = context.AddTask("published", maxValue: messages.Count);
                return await PublishWindow.PublishAllAsync(publisher, messages, () => bar.Increment(1), cancellationToken);
            });
}
