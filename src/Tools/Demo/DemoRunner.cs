using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PullWorker.Emulator;
using PullWorker.Emulator.Storage;
using PullWorker.Inference.Stages;
using PullWorker.Jobs;
using PullWorker.Jobs.Results;
using PullWorker.Tools.Results;
using PullWorker.Tools.Shared;
using PullWorker.Worker.Hosting;
using PullWorker.Worker.Messaging;
using PullWorker.Worker.Processing;
using PullWorker.Worker.Storage;
using Spectre.Console;

namespace PullWorker.Tools.Demo;

/// <summary>
/// The whole product on this machine: the emulator (objects kept as files), a project with topic, subscription and
/// buckets, the demo model, the worker in this process, sample jobs published, and a summary of their results.
/// </summary>
public sealed class DemoRunner(DemoSettings settings, IAnsiConsole console, TimeProvider time)
{
    public async Task<DemoSummary> RunAsync(CancellationToken cancellationToken)
    {
        var storageDirectory = Path.GetFullPath(settings.StorageDirectory);
        Directory.CreateDirectory(storageDirectory);

        // Each run writes under its own prefix: result objects are written at most once, so a second run into the
        // same names would find the first run's results and write nothing.
        var resultsPrefix = $"demo/{time.GetUtcNow().ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture)}/";
        var resultsUri = $"gs://{DemoNames.ResultsBucket}/{resultsPrefix}";

        console.MarkupLineInterpolated($"Starting the Pub/Sub and Cloud Storage emulator, objects in [blue]{Relative(storageDirectory)}[/]");
        await using var emulator = await EmulatorServer.StartAsync(EmulatorOptions.DynamicPorts with { StorageDirectory = storageDirectory }, cancellationToken);
        await DemoProject.SetUpAsync(emulator, cancellationToken);

        var samples = SampleImages.Create();
        await UploadSamplesAsync(emulator, samples, cancellationToken);
        var jobs = DemoJobs.Create(settings.Jobs, samples);

        // Results name the model by its file name, so the file is demo.onnx, in a folder of its own.
        var modelDirectory = Directory.CreateTempSubdirectory("pullworker-demo-");
        var modelPath = Path.Combine(modelDirectory.FullName, "demo.onnx");
        await File.WriteAllBytesAsync(modelPath, SampleModels.Demo(), cancellationToken);
        try
        {
            await using var worker = WorkerHost.Build([], configuration => configuration.AddInMemoryCollection(
                DemoWorkerConfiguration.Create(emulator, modelPath, resultsUri, settings.Layout)));
            console.MarkupLine("Starting the worker with the demo model (mean colour and sharpness of 64 x 64 images)");
            await worker.StartAsync(cancellationToken);

            // Listening starts after the start-up warm-up, whose one batch per bucket size is no job's.
            using var batchSizes = new BatchSizeListener();
            var device = worker.Services.GetRequiredService<PullWorkerService>().Engine?.Device.ToString() ?? "unknown";

            console.MarkupLineInterpolated($"Publishing {jobs.Count:N0} jobs to [blue]{DemoNames.Topic}[/]");
            var summary = await PublishAndSummariseAsync(
                emulator, jobs, new DemoRun(resultsPrefix, storageDirectory, device, batchSizes), cancellationToken);
            DemoReport.Write(console, summary);
            if (settings.KeepRunning)
            {
                await WaitForCtrlCAsync(emulator, resultsUri, cancellationToken);
            }

            // A drain, as on SIGTERM: everything is already done, so it only closes the streams.
            await worker.StopAsync(CancellationToken.None);
            return summary;
        }
        finally
        {
            modelDirectory.Delete(recursive: true);
        }
    }

    private static string Relative(string path) => Path.GetRelativePath(Environment.CurrentDirectory, path);

    private async Task<DemoSummary> PublishAndSummariseAsync(
        EmulatorServer emulator, IReadOnlyList<DemoJob> jobs, DemoRun run, CancellationToken cancellationToken)
    {
        var progress = new DemoProgress(console, time, () => ResultsWritten(emulator, run.ResultsPrefix, jobs.Count));
        IReadOnlyList<string>? messageIds;
        var publisher = await PubSubClients.PublisherAsync(DemoNames.Topic, emulator.PubSubEmulatorHost, cancellationToken);
        try
        {
            messageIds = await progress.PublishAndWaitAsync(publisher, [.. jobs.Select(j => j.Message)], settings.Timeout, cancellationToken);
        }
        finally
        {
            await publisher.ShutdownAsync(cancellationToken);
        }

        if (messageIds is null)
        {
            console.MarkupLineInterpolated($"[red]Not every job had a result after {settings.Timeout.TotalSeconds:F0} s; summarising those that did.[/]");
        }

        var stored = emulator.Storage.ListObjects(DemoNames.ResultsBucket, run.ResultsPrefix);
        var set = ReadResults(stored);
        return new DemoSummary(
            jobs.Count,
            jobs.Count(j => j.ExpectedError is not null),
            set.Statistics,
            messageIds is null ? [] : Unexpected(jobs, messageIds, set.Results),
            run.BatchSizes.MeanBatchSize,
            DemoWorkerConfiguration.MaxBatchSize,
            run.BatchSizes.Batches,
            run.Device,
            $"gs://{DemoNames.ResultsBucket}/{run.ResultsPrefix}",
            Relative(Path.Combine(run.StorageDirectory, DemoNames.ResultsBucket, run.ResultsPrefix)),
            DemoSummary.PickExamples(stored.SelectMany(o => ResultObject.Documents(o.Name, o.Data)).Select(d => d.Result).OfType<JobResult>()))
        {
            Layout = settings.Layout,
            ResultObjects = stored.Count,
            DuplicatesDropped = set.DuplicatesDropped,
        };
    }

    /// <summary>
    /// Jobs with a result so far. A message is acked only once its result exists, so the subscription's ack count is
    /// a cheap lower bound; the objects are counted only when it says everything is done.
    /// </summary>
    private static long ResultsWritten(EmulatorServer emulator, string prefix, int total)
    {
        var acked = emulator.PubSub.GetStats(DemoNames.Subscription).Acked;
        return acked < total ? acked : ReadResults(emulator.Storage.ListObjects(DemoNames.ResultsBucket, prefix)).Results.Count;
    }

    /// <summary>Either layout: one result per job id, however many objects and lines hold them.</summary>
    private static ResultSet ReadResults(IEnumerable<StoredObject> stored) =>
        ResultSet.Merge(stored.Select(o => ResultObject.Read(o.Name, o.Data)));

    /// <summary>Malformed jobs whose result does not carry the error code they were built to get.</summary>
    private static List<string> Unexpected(IReadOnlyList<DemoJob> jobs, IReadOnlyList<string> messageIds, IReadOnlyList<ResultOutline> results)
    {
        var byMessage = results.ToDictionary(r => r.MessageId, StringComparer.Ordinal);
        var problems = new List<string>();
        for (var i = 0; i < jobs.Count; i++)
        {
            if (jobs[i].ExpectedError is { } expected)
            {
                var actual = byMessage.TryGetValue(messageIds[i], out var result) ? result.Error?.Code.ToWireName() ?? "ok" : "no result";
                if (actual != expected.ToWireName())
                {
                    problems.Add($"{jobs[i].Id}: expected {expected.ToWireName()}, got {actual}");
                }
            }
        }

        return problems;
    }

    private static async Task UploadSamplesAsync(EmulatorServer emulator, IReadOnlyList<SampleImage> samples, CancellationToken cancellationToken)
    {
        using var storage = StorageServiceCollectionExtensions.CreateClient(new StorageOptions(), emulator.StorageEmulatorHost);
        await Task.WhenAll(samples.Select(sample => storage.UploadObjectAsync(
            DemoNames.InputsBucket,
            DemoNames.SamplesPrefix + sample.FileName,
            sample.ContentType,
            new MemoryStream(sample.Bytes, writable: false),
            cancellationToken: cancellationToken)));
    }

    private async Task WaitForCtrlCAsync(EmulatorServer emulator, string resultsUri, CancellationToken cancellationToken)
    {
        console.MarkupLine("The emulator and the worker keep running until Ctrl-C. From another shell:");
        console.WriteLine($"  export PUBSUB_EMULATOR_HOST={emulator.PubSubEmulatorHost}");
        console.WriteLine($"  export STORAGE_EMULATOR_HOST={emulator.StorageEmulatorHost}");
        console.WriteLine($"  dotnet run --project src/Tools -- submit --topic {DemoNames.Topic} photo.jpg jobs.jsonl");
        console.WriteLine($"  dotnet run --project src/Tools -- results --results {resultsUri}");
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, time, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.MarkupLine("Stopping.");
        }
    }
}
