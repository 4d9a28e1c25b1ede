using System.Globalization;

namespace PullWorker.CostModel.Reporting;

/// <summary>Invariant-culture cell formats shared by the tables.</summary>
internal static class Format
{
    public static string Minutes(TimeSpan time) => time.TotalMinutes.ToString("F1", CultureInfo.InvariantCulture);

    public static string Minutes(TimeSpan? time) => time is { } value ? Minutes(value) : "-";

    public static string Dollars(decimal amount) => "$" + amount.ToString("F4", CultureInfo.InvariantCulture);

    public static string Number(double value, string format = "F2") => value.ToString(format, CultureInfo.InvariantCulture);

    public static string Percent(double share) => (share * 100).ToString("F0", CultureInfo.InvariantCulture) + "%";
}
