using Google.Cloud.PubSub.V1;
using PullWorker.PubSub.Connection;
using PullWorker.PubSub.Publishing;
using PullWorker.Worker.Cli.Shared;
using Spectre.Console;

namespace PullWorker.Worker.Cli.Submit;

/// <summary>Publishes job messages to a topic in batches, with a progress bar.</summary>
public sealed class JobSubmitter(IAnsiConsole console, PubSubConnectionOptions connection)
{
    /// <summary>Publishes every message; returns their message IDs in order.</summary>
    public async Task<IReadOnlyList<string>> SubmitAsync(string topic, IReadOnlyList<PubsubMessage> messages, CancellationToken cancellationToken)
    {
        await using var publisher = await PubSubPublisher.CreateAsync(
            new PublisherSettings { Topic = topic }, connection, cancellationToken: cancellationToken);
        return await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var bar = context.AddTask("published", maxValue: messages.Count);
                return await PublishWindow.PublishAllAsync(publisher, messages, () => bar.Increment(1), cancellationToken);
            });
    }
}
