using System.Globalization;
using Spectre.Console;

namespace PullWorker.Tools.Shared;

/// <summary>Renders <see cref="ResultStatistics"/> as rows of a two-column Spectre table.</summary>
public static class ResultStatisticsTable
{
    public static Table Create() => new Table().Border(TableBorder.Rounded).AddColumn("").AddColumn(new TableColumn("").RightAligned()).HideHeaders();

    public static Table AddStatistics(this Table table, ResultStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(statistics);
        table.AddRow("results", Count(statistics.Total));
        table.AddRow("[green]ok[/]", Count(statistics.Ok));
        table.AddRow("[red]errors[/]", Count(statistics.Errors));
        foreach (var (code, count) in statistics.ErrorsByCode)
        {
            table.AddRow($"  {Markup.Escape(code)}", Count(count));
        }

        table.AddRow("throughput", string.Create(CultureInfo.InvariantCulture, $"{statistics.Throughput:F0} jobs/s"));
        table.AddRow("latency p50 / p90 / p99", $"{Millis(statistics.LatencyP50)} / {Millis(statistics.LatencyP90)} / {Millis(statistics.LatencyP99)}");
        return table;
    }

    public static string Count(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Millis(TimeSpan value) => string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:F0} ms");
}
