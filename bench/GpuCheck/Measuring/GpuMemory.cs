using System.Diagnostics;
using System.Globalization;

namespace PullWorker.GpuCheck.Measuring;

/// <summary>GPU memory in use on the device, read from <c>nvidia-smi</c> (null where there is none or it fails).</summary>
internal static class GpuMemory
{
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(10);

    public static async Task<long?> UsedMiBAsync(int deviceId, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("nvidia-smi")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--query-gpu=memory.used", "--format=csv,noheader,nounits", $"--id={deviceId}" })
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(QueryTimeout);
            var output = await process.StandardOutput.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return process.ExitCode == 0 && long.TryParse(output.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var used)
                ? used
                : null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // nvidia-smi hung past QueryTimeout: report n/a rather than stall the check.
            return null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Not installed: the report says n/a.
            return null;
        }
    }
}
