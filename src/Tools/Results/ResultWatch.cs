using System.Globalization;
using PullWorker.Jobs;
using PullWorker.Tools.Shared;
using Spectre.Console;

namespace PullWorker.Tools.Results;

/// <summary>How a wait ended: the expected ids' results, and the ids (or, without a manifest, how many) still missing.</summary>
public sealed record ResultWaitOutcome(ResultSet Results, ResultExpectation Expected, IReadOnlyList<string> MissingIds, int MissingCount)
{
    /// <summary>Every expected job has a result and every one of them is ok.</summary>
    public bool AllOk => MissingCount == 0 && Results.Statistics.Ok >= Expected.Count;
}

/// <summary>
/// Polls a results prefix until every expected job has a result or the timeout passes, with a live progress bar.
/// Each object is downloaded and parsed once (by name and generation): a poll reads only what is new since the last
/// one, and only the outlines of results are kept.
/// </summary>
public sealed class ResultWatch(IAnsiConsole console, ResultReader reader, TimeProvider time)
{
    public async Task<ResultWaitOutcome> WaitAsync(
        GcsUri prefix, ResultExpectation expected, TimeSpan timeout, TimeSpan pollInterval, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(expected);
        var deadline = time.GetUtcNow() + timeout;
        var seen = new Dictionary<string, (long? Generation, ResultObject Read)>(StringComparer.Ordinal);
        return await console.Progress()
            .AutoClear(false)
            .Columns(
                new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new JobRateColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var bar = context.AddTask("waiting for results", maxValue: expected.Count);
                while (true)
                {
                    var set = Relevant(await PollAsync(prefix, seen, cancellationToken), expected);
                    var statistics = set.Statistics;
                    bar.Value = Math.Min(statistics.Total, expected.Count);
                    bar.Description = Describe(statistics, expected.Count);
                    if (statistics.Total >= expected.Count || time.GetUtcNow() >= deadline)
                    {
                        bar.StopTask();
                        return Outcome(set, expected);
                    }

                    var wait = TimeSpan.FromTicks(Math.Min(pollInterval.Ticks, (deadline - time.GetUtcNow()).Ticks));
                    await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, time, cancellationToken);
                }
            });
    }

    private async Task<ResultSet> PollAsync(
        GcsUri prefix, Dictionary<string, (long? Generation, ResultObject Read)> seen, CancellationToken cancellationToken)
    {
        await foreach (var page in reader.ListPagesAsync(prefix, cancellationToken))
        {
            var fresh = page.Where(o => !seen.TryGetValue(o.Name, out var known) || known.Generation != o.Generation).ToList();
            var generations = fresh.ToDictionary(o => o.Name, o => o.Generation, StringComparer.Ordinal);
            foreach (var read in await reader.ReadObjectsAsync(prefix, fresh, downloadDirectory: null, () => { }, cancellationToken))
            {
                seen[read.Name] = (generations[read.Name], read);
            }
        }

        return ResultSet.Merge(seen.Values.Select(s => s.Read));
    }

    /// <summary>With a manifest, only the manifest's ids count: earlier runs may have left results under the prefix.</summary>
    private static ResultSet Relevant(ResultSet set, ResultExpectation expected) =>
        expected.Ids is null ? set : new ResultSet([.. set.Results.Where(r => expected.Ids.Contains(r.Id.Value))], set.Unreadable, set.DuplicatesDropped);

    private static ResultWaitOutcome Outcome(ResultSet set, ResultExpectation expected)
    {
        if (expected.Ids is null)
        {
            return new ResultWaitOutcome(set, expected, [], Math.Max(0, expected.Count - set.Results.Count));
        }

        var found = set.Results.Select(r => r.Id.Value).ToHashSet(StringComparer.Ordinal);
        var missing = expected.Ids.Where(id => !found.Contains(id)).Order(StringComparer.Ordinal).ToList();
        return new ResultWaitOutcome(set, expected, missing, missing.Count);
    }

    private static string Describe(ResultStatistics statistics, int expected)
    {
        var codes = string.Join(", ", statistics.ErrorsByCode.Select(e => $"{e.Key} {e.Value}"));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"done {statistics.Total:N0}/{expected:N0}  [green]ok {statistics.Ok:N0}[/]  [red]errors {statistics.Errors:N0}[/]{(codes.Length > 0 ? $" ({Markup.Escape(codes)})" : "")}");
    }
}
