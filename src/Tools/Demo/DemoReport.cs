using System.Globalization;
using PullWorker.Tools.Shared;
using Spectre.Console;

namespace PullWorker.Tools.Demo;

/// <summary>Prints a demo's summary: outcomes, speed, batch fill, where the results are, and a few of them.</summary>
public static class DemoReport
{
    public static void Write(IAnsiConsole console, DemoSummary summary)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(summary);
        var table = ResultStatisticsTable.Create().Title("[bold]demo summary[/]");
        table.AddRow("jobs published", ResultStatisticsTable.Count(summary.Published));
        table.AddStatistics(summary.Statistics);
        if (summary.Missing > 0)
        {
            table.AddRow("[red]without a result[/]", ResultStatisticsTable.Count(summary.Missing));
        }

        table.AddRow("mean batch fill", string.Create(
            CultureInfo.InvariantCulture,
            $"{summary.MeanBatchSize:F1} of {summary.MaxBatchSize} ({summary.MeanBatchFill:P0}), {summary.Batches:N0} batches"));
        table.AddRow("device", summary.Device);
        table.AddRow("result layout", string.Create(
            CultureInfo.InvariantCulture,
            $"{summary.Layout.ToString().ToLowerInvariant()}: {summary.ResultObjects:N0} objects, {summary.LinesPerObject:F1} results per object"));
        if (summary.DuplicatesDropped > 0)
        {
            table.AddRow("duplicates dropped", ResultStatisticsTable.Count(summary.DuplicatesDropped));
        }

        table.AddRow("results", Markup.Escape(summary.ResultsUri));
        table.AddRow("as files", Markup.Escape(summary.ResultsDirectory));
        console.Write(table);

        foreach (var problem in summary.Unexpected)
        {
            console.MarkupLineInterpolated($"[red]unexpected:[/] {problem}");
        }

        if (summary.Unexpected.Count == 0 && summary.Missing == 0)
        {
            console.MarkupLineInterpolated($"Every job has a result; the {summary.Malformed} malformed ones got the error codes they should.");
        }

        if (summary.Examples.Count > 0)
        {
            var examples = new Table().Border(TableBorder.Rounded).Title("[bold]example results[/]")
                .AddColumn("id").AddColumn("mean_rgb").AddColumn(new TableColumn("sharpness").RightAligned());
            foreach (var example in summary.Examples)
            {
                var rgb = string.Join(", ", example.MeanRgb.Select(v => v.ToString("F3", CultureInfo.InvariantCulture)));
                examples.AddRow(Markup.Escape(example.Id), $"[[{rgb}]]", example.Sharpness.ToString("F3", CultureInfo.InvariantCulture));
            }

            console.Write(examples);
        }
    }
}
