using System.Diagnostics;
using PullWorker.Bench.Infrastructure;
using PullWorker.Inference.Stages;
using SkiaSharp;

namespace PullWorker.Bench.ColdStart;

/// <summary>
/// Part 5: the demo pipeline (image preprocessing on the device, then <see cref="SampleModels.Demo"/>) started as
/// its own process against the emulator, with one raw PNG job already queued: time to ready and to its result.
/// </summary>
internal static class ColdStartBenchmark
{
    private const int ImageSize = 224;

    public static async Task<ColdStartResult> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        using var models = new ModelDirectory();
        var modelPath = models.Write("demo", SampleModels.Demo());
        var image = Google.Protobuf.ByteString.CopyFrom(TestImage());
        var runs = new List<ColdStartRun>();
        for (var run = 0; run < settings.ColdStarts; run++)
        {
            await using var deployment = await BenchDeployment.CreateAsync("coldstart", cancellationToken);
            await deployment.PublishAsync([BenchDeployment.Message(image, "image/png")], cancellationToken);
            var configuration = deployment.WorkerConfiguration(modelPath);
            configuration["Pipeline:Image:Width"] = ImageSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
            configuration["Pipeline:Image:Height"] = ImageSize.ToString(System.Globalization.CultureInfo.InvariantCulture);

            var started = Stopwatch.GetTimestamp();
            await using var worker = WorkerProcess.Start(configuration);
            var ready = WaitForReadyAsync(worker, started, cancellationToken);
            var firstResult = WaitForFirstResultAsync(deployment, worker, started, cancellationToken);
            var readySeconds = await ready;
            var readyCpu = worker.CpuTime.TotalSeconds;
            runs.Add(new ColdStartRun(readySeconds, await firstResult, readyCpu));
            Console.WriteLine($"  run {run + 1}: ready {readySeconds:F2} s ({readyCpu:F2} CPU s), first result {runs[^1].FirstResultSeconds:F2} s");
        }

        return new ColdStartResult($"SampleModels.Demo with Pipeline:Image {ImageSize}x{ImageSize}, one raw image/png job queued before start, CPU", runs);
    }

    private static async Task<double> WaitForReadyAsync(WorkerProcess worker, long started, CancellationToken cancellationToken)
    {
        await worker.WaitUntilReadyAsync(cancellationToken);
        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static async Task<double> WaitForFirstResultAsync(
        BenchDeployment deployment, WorkerProcess worker, long started, CancellationToken cancellationToken)
    {
        IReadOnlyList<Emulator.Storage.StoredObject> results;
        while ((results = deployment.Emulator.Storage.ListObjects(BenchDeployment.ResultsBucket, "out/")).Count == 0)
        {
            worker.ThrowIfExited();
            await Task.Delay(5, cancellationToken);
        }

        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var document = Jobs.Results.JobResult.Parse(results[0].Data.Span);
        return document.Status == Jobs.Results.JobStatus.Ok
            ? elapsed
            : throw new InvalidOperationException($"the demo job failed: {document.Error?.Code}: {document.Error?.Message}");
    }

    /// <summary>A 640x480 PNG with a gradient and stripes, so decoding and resizing do real work.</summary>
    private static byte[] TestImage()
    {
        using var bitmap = new SKBitmap(640, 480);
        for (var y = 0; y < bitmap.Height; y++)
        {
            for (var x = 0; x < bitmap.Width; x++)
            {
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 255 / bitmap.Width), (byte)(y * 255 / bitmap.Height), (byte)((x / 8 + y / 8) % 2 * 255)));
            }
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
