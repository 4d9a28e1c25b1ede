using System.Diagnostics;
using PullWorker.Bench.Infrastructure;
using PullWorker.Inference.Stages;

namespace PullWorker.Bench.Layouts;

/// <summary>
/// <c>layouts --trace</c>: one more drain of <paramref name="layout"/>, not timed, with <c>dotnet-trace</c> sampling the
/// worker's thread stacks (the <c>dotnet-sampled-thread-time</c> profile, written as speedscope). The worker starts on an
/// empty subscription and the backlog is published once the trace records, so the samples are the drain's.
/// The tool is the bench's, never CI's: <c>dotnet tool install dotnet-trace --tool-path bench/.tools</c>.
/// </summary>
internal static class LayoutTrace
{
    public static string ToolPath => Path.Combine(RepositoryPaths.Root, "bench", ".tools", "dotnet-trace");

    public static async Task<string> CollectAsync(
        string layout, string modelPath, int jobs, int features, int maxBatchSize, CancellationToken cancellationToken)
    {
        if (!File.Exists(ToolPath))
        {
            throw new InvalidOperationException(
                $"layouts --trace needs the bench's dotnet-trace at {ToolPath}: dotnet tool install dotnet-trace --tool-path bench/.tools");
        }

        await using var deployment = await BenchDeployment.CreateAsync($"layout-trace-{layout}", cancellationToken);
        var configuration = deployment.WorkerConfiguration(modelPath);
        configuration["Worker:ResultLayout"] = layout;
        configuration["Batching:MaxBatchSize"] = maxBatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var worker = WorkerProcess.Start(configuration);
        await worker.WaitUntilReadyAsync(cancellationToken);

        var directory = Directory.CreateTempSubdirectory("pullworker-trace-");
        var output = Path.Combine(directory.FullName, "worker.nettrace");
        var start = new ProcessStartInfo(ToolPath,
            ["collect", "-p", worker.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
             "--profile", "dotnet-sampled-thread-time", "--format", "Speedscope", "-o", output])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var tool = Process.Start(start) ?? throw new InvalidOperationException("dotnet-trace did not start");
        var toolOutput = tool.StandardOutput.ReadToEndAsync(cancellationToken);
        var toolErrors = tool.StandardError.ReadToEndAsync(cancellationToken);
        using (var recording = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            recording.CancelAfter(TimeSpan.FromSeconds(30));
            while (!File.Exists(output))
            {
                await Task.Delay(50, recording.Token);
            }
        }

        // The session is open once the file exists; a short pause lets the first buffers flow before the load starts.
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        await deployment.PublishAsync(
            Enumerable.Range(0, jobs).Select(i => BenchDeployment.Message(
                JobMessages.Float32Job($"job-{i}", "x", SampleModels.Weights(features, (uint)(i % 64) + 300, 1f), [features]))),
            cancellationToken);
        using (var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            drain.CancelAfter(TimeSpan.FromMinutes(3));
            await deployment.WaitForAckedAsync(jobs, drain.Token);
        }

        // Ctrl+C is how dotnet-trace ends a session and writes the file (a redirected stdin's Enter is not read).
        using (var interrupt = Process.Start("kill", ["-INT", tool.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await interrupt.WaitForExitAsync(cancellationToken);
        }

        using (var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            stopping.CancelAfter(TimeSpan.FromMinutes(2));
            await tool.WaitForExitAsync(stopping.Token);
        }

        var speedscope = Path.ChangeExtension(output, ".speedscope.json");
        if (tool.ExitCode != 0 || !File.Exists(speedscope))
        {
            throw new InvalidOperationException(
                $"dotnet-trace exited {tool.ExitCode} without {speedscope}: {await toolOutput}{await toolErrors}");
        }

        return speedscope;
    }
}
