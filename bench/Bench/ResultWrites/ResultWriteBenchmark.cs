using System.Diagnostics;
using System.Globalization;
using Google.Cloud.Storage.V1;
using Microsoft.Extensions.Logging.Abstractions;
using PullWorker.Jobs;
using PullWorker.Jobs.Results;
using PullWorker.Worker.ResultStorage;
using PullWorker.Worker.Storage;

namespace PullWorker.Bench.ResultWrites;

/// <summary>
/// Part 6: tiny create-only result objects written through Google's <see cref="StorageClient"/> against the storage
/// emulator with 20-50 ms per request, at the worker's write concurrency: the worker's own path (one multipart
/// request through the client's authenticated HTTP client, <see cref="ObjectResultWriter"/>) against
/// <see cref="StorageClient.UploadObjectAsync(string, string, string, Stream, UploadObjectOptions, CancellationToken, IProgress{Google.Apis.Upload.IUploadProgress})"/>
/// (resumable: two requests), interleaved so both see the same machine.
/// </summary>
internal static class ResultWriteBenchmark
{
    private const int LatencyMilliseconds = 20;
    private const int JitterMilliseconds = 30;
    private const int Rounds = 2;

    public static async Task<ResultWriteResult> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var writes = settings == BenchSettings.Quick ? 300 : 3_000;
        // Every handler writes its own result; ObjectResultWriter lets Storage:WriteConcurrency of them upload at once.
        var concurrency = new StorageOptions().WriteConcurrency;
        await using var emulator = await StorageEmulatorProcess.StartAsync(LatencyMilliseconds, JitterMilliseconds, cancellationToken);
        var options = new StorageOptions();
        using var client = StorageServiceCollectionExtensions.CreateClient(options, emulator.Host);
        using var writer = new ObjectResultWriter(
            client, new GcsUri(StorageEmulatorProcess.Bucket, "multipart/"), Microsoft.Extensions.Options.Options.Create(options),
            TimeProvider.System, NullLogger<ObjectResultWriter>.Instance);
        var createOnly = new UploadObjectOptions { IfGenerationMatch = 0 };
        Task Multipart(JobResult result) => writer.WriteAsync(result, cancellationToken);
        Task Resumable(JobResult result) => client.UploadObjectAsync(
            new Google.Apis.Storage.v1.Data.Object
            {
                Bucket = StorageEmulatorProcess.Bucket,
                Name = $"resumable/{result.Id.Value}.json",
                ContentType = ObjectResultWriter.ContentType,
                Metadata = new Dictionary<string, string> { [ObjectResultWriter.MessageIdMetadataKey] = result.MessageId, [ObjectResultWriter.StatusMetadataKey] = "ok" },
            },
            new MemoryStream(result.ToUtf8Json()),
            createOnly,
            cancellationToken);

        // Warm both paths as long as a measured round (connections, and the JIT's tiered recompiles, whose CPU
        // would otherwise land on whichever path runs first), then alternate so background load hits both alike.
        await MeasureAsync("warm-up", Multipart, Results("warm-m", writes), concurrency);
        await MeasureAsync("warm-up", Resumable, Results("warm-r", writes), concurrency);
        var multipart = new List<(double Seconds, double Cpu)>();
        var resumable = new List<(double Seconds, double Cpu)>();
        for (var round = 0; round < Rounds; round++)
        {
            multipart.Add(await MeasureAsync("multipart", Multipart, Results($"m{round}", writes), concurrency));
            resumable.Add(await MeasureAsync("resumable", Resumable, Results($"r{round}", writes), concurrency));
        }

        ResultWritePath Path(string name, int requests, List<(double Seconds, double Cpu)> runs) =>
            new(name, requests, writes * Rounds, runs.Sum(r => r.Seconds), runs.Sum(r => r.Cpu));
        var paths = new[]
        {
            Path("one multipart request via StorageClient.Service.HttpClient (ObjectResultWriter)", 1, multipart),
            Path("StorageClient.UploadObjectAsync (resumable)", 2, resumable),
        };
        var result = new ResultWriteResult(
            "JobResult documents of a 10-float output (about 300 bytes), create-only (ifGenerationMatch=0), Google.Cloud.Storage.V1 5.0.0",
            concurrency, LatencyMilliseconds, JitterMilliseconds, paths, paths[0].Name);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  ratio: resumable costs {result.CpuRatio:F2}x the CPU per write; multipart writes {result.ThroughputRatio:F2}x as many per second"));
        return result;
    }

    private static async Task<(double Seconds, double Cpu)> MeasureAsync(
        string name, Func<JobResult, Task> write, IReadOnlyList<JobResult> results, int concurrency)
    {
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(results, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (result, _) => await write(result));
        clock.Stop();
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name}: {results.Count} writes in {clock.Elapsed.TotalSeconds:F2} s = {results.Count / clock.Elapsed.TotalSeconds:F0}/s, {cpu * 1e6 / results.Count:F0} CPU µs per write"));
        return (clock.Elapsed.TotalSeconds, cpu);
    }

    private static List<JobResult> Results(string prefix, int count)
    {
        var outputs = new Dictionary<string, OutputTensor> { ["probabilities"] = new OutputTensor<float>(new float[10], [10]) };
        var model = new ModelInfo("mnist", new string('0', 64));
        var now = DateTimeOffset.UtcNow;
        return Enumerable.Range(0, count)
            .Select(i => JobResult.Succeeded(
                JobId.Parse($"{prefix}/job-{i}"), i.ToString(CultureInfo.InvariantCulture), outputs, model, now, now, 1))
            .ToList();
    }
}
