using System.Globalization;
using System.Text;

namespace PullWorker.Bench.Reporting;

/// <summary>Small helpers to write the report's Markdown with invariant number formatting.</summary>
internal static class Markdown
{
    public static string N(double value, int decimals = 0) =>
        double.IsFinite(value) ? value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : "n/a";

    public static void Table(StringBuilder report, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        report.AppendLine(CultureInfo.InvariantCulture, $"| {string.Join(" | ", headers)} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"|{string.Concat(headers.Select(_ => "---|"))}");
        foreach (var row in rows)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"| {string.Join(" | ", row)} |");
        }

        report.AppendLine();
    }

    /// <summary>When and under what load a part ran: other processes on a shared machine show as a load above the cores.</summary>
    public static void Measured(StringBuilder report, MachineInfo machine) =>
        report.AppendLine(CultureInfo.InvariantCulture,
            $"_Measured {machine.Started:yyyy-MM-dd HH:mm} UTC in {(machine.Finished - machine.Started).TotalSeconds:F0} s; load average (1, 5, 15 min) {machine.LoadBefore} before, {machine.LoadAfter} after, on {machine.Cores} cores._")
        .AppendLine();
}
