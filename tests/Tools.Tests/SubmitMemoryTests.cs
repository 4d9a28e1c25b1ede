using System.Diagnostics;
using System.Globalization;

namespace PullWorker.Tools.Tests;

/// <summary>
/// <c>submit gs://bucket/prefix/</c> streams the listing and keeps a bounded publish window, so its memory does not
/// grow with the number of objects: once its publish window (5,000 messages) has filled, the peak resident memory of
/// the process (VmHWM) for three times the objects stays within <see cref="MaxGrowthMegabytes"/> (measured here:
/// 112-117 MB for 15,000 objects, 116-121 MB for 45,000 alone; up to 20 MB apart when the whole suite runs beside it,
/// from the garbage collector's own sizing).
/// </summary>
[TestFixture]
public sealed class SubmitMemoryTests
{
    private const int Small = 15_000;
    private const int Large = 45_000;

    /// <summary>30,000 more objects; a listing held whole (object metadata, names, messages: over 1.5 KB each) would add more.</summary>
    private const double MaxGrowthMegabytes = 40;

    [Test]
    [CancelAfter(180_000)]
    public async Task Submit_ThreeTimesTheObjects_PeakMemoryStaysWithinTheBound(CancellationToken cancellationToken)
    {
        await using var deployment = await LocalDeployment.CreateAsync("submit-memory", cancellationToken);
        await UploadAsync(deployment, "small/", Small, cancellationToken);
        await UploadAsync(deployment, "large/", Large, cancellationToken);

        var small = await PeakMegabytesAsync(deployment, "small/", cancellationToken);
        var large = await PeakMegabytesAsync(deployment, "large/", cancellationToken);
        var published = deployment.Emulator.PubSub.GetStats(deployment.Subscription).Backlog;

        await TestContext.Out.WriteLineAsync($"submit peak memory: {small:F0} MB for {Small:N0} objects, {large:F0} MB for {Large:N0}");
        Assert.Multiple(() =>
        {
            Assert.That(published, Is.EqualTo(Small + Large), "every object published once");
            Assert.That(large - small, Is.LessThan(MaxGrowthMegabytes));
        });
    }

    private static Task UploadAsync(LocalDeployment deployment, string prefix, int count, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (i, token) => await deployment.UploadAsync(
                LocalDeployment.InputsBucket, $"{prefix}img-{i:D6}.png", [1, 2, 3], "image/png", token));

    /// <summary>The tools' assembly built beside this test assembly (the Tools project is referenced).</summary>
    private static string ToolsAssembly => Path.Combine(AppContext.BaseDirectory, "PullWorker.Tools.dll");

    /// <summary>Runs <c>submit</c> as its own process and samples its peak resident memory until it exits.</summary>
    private static async Task<double> PeakMegabytesAsync(LocalDeployment deployment, string prefix, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "exec", ToolsAssembly, "submit", "--topic", deployment.Topic, $"gs://{LocalDeployment.InputsBucket}/{prefix}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment =
            {
                ["PUBSUB_EMULATOR_HOST"] = deployment.Emulator.PubSubEmulatorHost,
                ["STORAGE_EMULATOR_HOST"] = deployment.Emulator.StorageEmulatorHost,
            },
        };
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
