using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using PullWorker.Bench.Infrastructure;
using PullWorker.Worker.Hosting;

namespace PullWorker.Bench.Throughput;

/// <summary>
/// The worker host in this process against the emulator: all jobs are published with delivery paused, the worker
/// starts and becomes ready, then delivery resumes and the clock runs until every job is acked (pull, decode,
/// batch, infer, write the result object, ack). CPU time and memory are this process's, emulator included.
/// </summary>
internal static class EndToEndRun
{
    public static async Task<(Measurement Measurement, IReadOnlyList<int> BatchSizes)> RunAsync(
        ThroughputScenario scenario, CancellationToken cancellationToken)
    {
        using var models = new ModelDirectory();
        var modelPath = models.Write(scenario.Input, scenario.Model);
        await using var deployment = await BenchDeployment.CreateAsync("throughput", cancellationToken);
        deployment.Emulator.PubSub.PauseDelivery();
        await deployment.PublishAsync(
            Enumerable.Range(0, scenario.Jobs).Select(i => BenchDeployment.Message(
                JobMessages.Float32Job($"job-{i}", scenario.Input, scenario.ItemValues(i), scenario.ItemShape))),
            cancellationToken);

        using var batches = new BatchSizeRecorder();
        await using var app = WorkerHost.Build([], config => config.AddInMemoryCollection(deployment.WorkerConfiguration(modelPath)));
        await app.StartAsync(cancellationToken);
        batches.Clear();

        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        var sampler = ResidentSetSampler.ForThisProcess(TimeSpan.FromMilliseconds(50));
        await using (sampler)
        {
            deployment.Emulator.PubSub.ResumeDelivery();
            await deployment.WaitForAckedAsync(scenario.Jobs, cancellationToken);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        await app.StopAsync(cancellationToken);
        var written = deployment.Emulator.Storage.ListObjects(BenchDeployment.ResultsBucket, "out/").Count;
        if (written != scenario.Jobs)
        {
            throw new InvalidOperationException($"{scenario.Name}: {written} result objects for {scenario.Jobs} jobs");
        }

        return (new Measurement(elapsed.TotalSeconds, scenario.Jobs / elapsed.TotalSeconds, cpu.TotalSeconds * 1000 / scenario.Jobs, sampler.PeakMegabytes),
            batches.Sizes);
    }
}
