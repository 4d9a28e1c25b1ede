using PullWorker.Jobs;
using PullWorker.Tools.Shared;
using Spectre.Console;

namespace PullWorker.Tools.Results;

/// <summary>What <c>results --wait</c> prints at the end: the summary table, the ids still missing, the first error of each code.</summary>
public static class ResultWaitReport
{
    /// <summary>Missing ids listed by name; the rest are counted (the manifest has them all).</summary>
    public const int MaxMissingListed = 100;

    public static void Write(IAnsiConsole console, GcsUri prefix, ResultWaitOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(outcome);
        var table = ResultStatisticsTable.Create()
            .Title($"[bold]{Markup.Escape(prefix.ToString())}[/]")
            .AddStatistics(outcome.Results.Statistics);
        table.AddRow("expected", ResultStatisticsTable.Count(outcome.Expected.Count));
        table.AddRow(outcome.MissingCount == 0 ? "missing" : "[red]missing[/]", ResultStatisticsTable.Count(outcome.MissingCount));
        console.Write(table);

        foreach (var id in outcome.MissingIds.Take(MaxMissingListed))
        {
            console.MarkupLineInterpolated($"[red]missing:[/] {id}");
        }

        if (outcome.MissingIds.Count > MaxMissingListed)
        {
            console.MarkupLineInterpolated($"[red]missing:[/] {outcome.MissingIds.Count - MaxMissingListed:N0} more");
        }

        var firstErrors = outcome.Results.Results
            .Where(r => r.Error is not null)
            .OrderBy(r => r.Id.Value, StringComparer.Ordinal)
            .GroupBy(r => r.Error!.Code.ToWireName(), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in firstErrors)
        {
            var first = group.First();
            console.MarkupLineInterpolated($"[red]{group.Key}[/] ({group.Count():N0}), first: {first.Id.Value}: {first.Error!.Message}");
        }

        foreach (var problem in outcome.Results.Unreadable)
        {
            console.MarkupLineInterpolated($"[red]not a result document:[/] {problem}");
        }

        console.MarkupLine(outcome.AllOk ? "[green]every expected job has an ok result[/]" : "[red]not every expected job has an ok result[/]");
    }
}
