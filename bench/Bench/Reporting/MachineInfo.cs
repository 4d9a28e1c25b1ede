using System.Globalization;

namespace PullWorker.Bench.Reporting;

/// <summary>The machine a part ran on and how busy it was (load averages before and after).</summary>
internal sealed record MachineInfo(
    string CpuModel, int Cores, double MemoryGigabytes, string Runtime, DateTimeOffset Started, DateTimeOffset Finished,
    string LoadBefore, string LoadAfter)
{
    public static MachineInfo Begin() => new(
        ReadCpuModel(), Environment.ProcessorCount, ReadMemoryGigabytes(), System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
        DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, LoadAverage(), string.Empty);

    public MachineInfo End() => this with { Finished = DateTimeOffset.UtcNow, LoadAfter = LoadAverage() };

    private static string ReadCpuModel() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
        ?? "unknown";

    private static double ReadMemoryGigabytes()
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0 / 1024.0;
    }

    /// <summary>The 1, 5 and 15 minute load averages: above the core count, other processes competed for the CPU.</summary>
    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
