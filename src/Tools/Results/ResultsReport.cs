using PullWorker.Jobs;
using PullWorker.Tools.Shared;
using Spectre.Console;

namespace PullWorker.Tools.Results;

/// <summary>Reads the results under a prefix with a progress bar, then prints their summary.</summary>
public sealed class ResultsReport(IAnsiConsole console, ResultReader reader)
{
    public async Task<ResultSet> RunAsync(GcsUri prefix, string? downloadDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var objects = await reader.ListAsync(prefix, cancellationToken);
        var set = await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn())
            .StartAsync(async context =>
            {
                var bar = context.AddTask("reading results", maxValue: Math.Max(1, objects.Count));
                return await reader.ReadAsync(prefix, objects, downloadDirectory, () => bar.Increment(1), cancellationToken);
            });

        var table = ResultStatisticsTable.Create().Title($"[bold]{Markup.Escape(prefix.ToString())}[/]").AddStatistics(set.Statistics);
        if (set.DuplicatesDropped > 0)
        {
            table.AddRow("duplicates dropped", $"{set.DuplicatesDropped} (a redelivered job's later line; one kept per id)");
        }

        if (downloadDirectory is not null)
        {
            table.AddRow("saved to", Markup.Escape(Path.GetFullPath(downloadDirectory)));
        }

        console.Write(table);
        foreach (var problem in set.Unreadable)
        {
            console.MarkupLineInterpolated($"[red]not a result document:[/] {problem}");
        }

        return set;
    }
}
