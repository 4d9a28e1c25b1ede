using System.Globalization;
using Google.Cloud.PubSub.V1;
using PullWorker.Tools.Shared;
using Spectre.Console;

namespace PullWorker.Tools.Demo;

/// <summary>Publishes the jobs while showing two live bars: jobs published, and jobs whose result is written.</summary>
/// <param name="resultsWritten">How many jobs have a result so far (cheap; polled several times a second).</param>
public sealed class DemoProgress(IAnsiConsole console, TimeProvider time, Func<long> resultsWritten)
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Publishes every message and waits until each has a result. Returns the message IDs in order, or null when
    /// <paramref name="timeout"/> ran out first.
    /// </summary>
    public async Task<IReadOnlyList<string>?> PublishAndWaitAsync(
        PublisherClient publisher, IReadOnlyList<PubsubMessage> messages, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout, time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        return await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var publishedBar = context.AddTask("published", maxValue: messages.Count);
                var resultsBar = context.AddTask("results", maxValue: messages.Count);
                var published = 0L;
                var started = time.GetTimestamp();
                var publishing = PublishWindow.PublishAllAsync(publisher, messages, () => Interlocked.Increment(ref published), stop.Token);
                try
                {
                    while (!publishing.IsFaulted)
                    {
                        var done = Math.Min(resultsWritten(), messages.Count);
                        var rate = done / Math.Max(time.GetElapsedTime(started).TotalSeconds, 0.001);
                        publishedBar.Value = Interlocked.Read(ref published);
                        resultsBar.Value = done;
                        resultsBar.Description = string.Create(CultureInfo.InvariantCulture, $"results [grey]{done:N0}/{messages.Count:N0}, {rate:F0} jobs/s[/]");
                        if (done == messages.Count && publishing.IsCompleted)
                        {
                            break;
                        }

                        await Task.Delay(RefreshInterval, time, stop.Token);
                    }
                }
                catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    return null;
                }
                finally
                {
                    // The loop may end by timeout or cancellation while publishes are in flight; they end with it.
                    await stop.CancelAsync();
                    await publishing.ContinueWith(_ => { }, TaskScheduler.Default);
                }

                return await publishing;
            });
    }
}
