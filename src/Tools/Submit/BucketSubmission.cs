using PullWorker.Tools.Shared;
using PullWorker.Worker.Messaging;
using Spectre.Console;

namespace PullWorker.Tools.Submit;

/// <summary>What a bucket submission did: jobs published, left out as done, and objects whose names cannot be ids.</summary>
/// <param name="Rejected">The first <see cref="BucketSubmission.MaxRejectedListed"/> such objects, as (gs:// name, why).</param>
public sealed record BucketSubmissionResult(int Published, int Skipped, int RejectedCount, IReadOnlyList<(string Name, string Problem)> Rejected);

/// <summary>
/// Publishes <see cref="BucketJobs"/> to a topic with a progress bar (rate and ETA) and writes each published id to a
/// manifest file, one per line, as soon as its message is stored.
/// </summary>
/// <param name="emulatorHost">An emulator to publish to; null for <c>PUBSUB_EMULATOR_HOST</c> or else Pub/Sub.</param>
public sealed class BucketSubmission(IAnsiConsole console, string? emulatorHost)
{
    /// <summary>Rejected names kept for the report; a bucket of nothing but bad names must not fill memory.</summary>
    public const int MaxRejectedListed = 1_000;

    public async Task<BucketSubmissionResult> SubmitAsync(string topic, BucketJobs jobs, string? manifestPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var total = await jobs.CountAsync(cancellationToken);
        var rejected = new List<(string, string)>();
        var rejectedCount = 0;
        var skipped = 0;
        await using var manifest = manifestPath is null ? null : new StreamWriter(manifestPath, append: false);
        var publisher = await PubSubClients.PublisherAsync(topic, emulatorHost, cancellationToken);
        int published;
        try
        {
            published = await console.Progress()
                .AutoClear(false)
                .Columns(
                    new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new JobRateColumn(),
                    new ElapsedTimeColumn(), new RemainingTimeColumn())
                .StartAsync(async context =>
                {
                    var bar = context.AddTask("published", maxValue: Math.Max(1, total));
                    var messages = jobs.MessagesAsync(
                        (name, problem) =>
                        {
                            if (++rejectedCount <= MaxRejectedListed)
                            {
                                rejected.Add((name, problem));
                            }

                            bar.Increment(1);
                        },
                        () =>
                        {
                            skipped++;
                            bar.Increment(1);
                        },
                        cancellationToken);
                    var gate = new object();
                    return await PublishWindow.PublishStreamAsync(
                        publisher,
                        messages,
                        (jobId, _) =>
                        {
                            lock (gate)
                            {
                                manifest?.WriteLine(jobId);
                                bar.Increment(1);
                            }
                        },
                        cancellationToken);
                });
        }
        finally
        {
            await publisher.ShutdownAsync(cancellationToken);
        }

        return new BucketSubmissionResult(published, skipped, rejectedCount, rejected);
    }
}
