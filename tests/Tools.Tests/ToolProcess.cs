using System.Diagnostics;
using System.Globalization;

namespace PullWorker.Tools.Tests;

/// <summary>Runs the tools (built beside this test assembly) as their own process, to measure what a user's run costs.</summary>
internal static class ToolProcess
{
    private static string ToolsAssembly => Path.Combine(AppContext.BaseDirectory, "PullWorker.Tools.dll");

    /// <summary>
    /// Runs the command to its end, asserts it exited 0, and returns its peak resident memory (VmHWM) in MB, sampled
    /// every 20 ms.
    /// </summary>
    public static async Task<double> PeakMegabytesAsync(
        IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(ToolsAssembly);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        var exited = process.WaitForExitAsync(cancellationToken);
        double peak = 0;
        while (!exited.IsCompleted)
        {
            peak = Math.Max(peak, HighWaterMegabytes(process.Id) ?? 0);
            await Task.WhenAny(exited, Task.Delay(20, cancellationToken));
        }

        await exited;
        Assert.That(process.ExitCode, Is.Zero, $"{await output}{await errors}");
        return peak;
    }

    /// <summary>VmHWM of <c>/proc/{pid}/status</c> in MB, or null once the process is gone.</summary>
    private static double? HighWaterMegabytes(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? null : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
