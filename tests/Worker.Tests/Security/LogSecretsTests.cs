using System.Text.Json;
using Google.Protobuf;
using PullWorker.Worker.Tests.Hostile;
using PullWorker.Worker.Tests.Process;
using SkiaSharp;

namespace PullWorker.Worker.Tests.Security;

/// <summary>
/// A full run of the worker process at the most verbose log level, with credentials planted in its environment and
/// in header-like message attributes, over good jobs, bad jobs and failing <c>gs://</c> reads: nothing it writes may
/// hold a credential. On the emulator the worker never fetches a token (both emulators take no authentication), so
/// the planted values stand in for one; docs/security.md says what that does and does not prove.
/// </summary>
[TestFixture]
public sealed class LogSecretsTests
{
    [Test]
    [CancelAfter(120_000)]
    public async Task WorkerLogs_FullRunAtTraceLevelWithPlantedCredentials_HoldNoCredential(CancellationToken cancellationToken)
    {
        using var secrets = FakeSecrets.Create();
        await using var deployment = await LocalDeployment.CreateAsync("secrets", cancellationToken);
        var modelPath = Path.Combine(secrets.Directory, "image.onnx");
        await File.WriteAllBytesAsync(modelPath, HostileModels.ImageOnly(), cancellationToken);
        var environment = WorkerEnvironment(deployment, modelPath).Concat(secrets.Environment).ToDictionary(e => e.Key, e => (string?)e.Value);

        await using var worker = WorkerProcess.Start(environment);
        await worker.WaitForOutputAsync(line => line.Contains("Pulling ", StringComparison.Ordinal), cancellationToken);
        var jobs = Jobs().ToList();
        foreach (var (data, contentType) in jobs)
        {
            var attributes = secrets.MessageAttributes.ToDictionary();
            attributes["content-type"] = contentType;
            await deployment.PublishAsync(ByteString.CopyFrom(data), attributes, cancellationToken);
        }

        await deployment.WaitForResultsAsync(jobs.Count, cancellationToken);
        await worker.TerminateAsync(cancellationToken);
        var exitCode = await worker.WaitForExitAsync(cancellationToken);
        var output = string.Join('\n', worker.Stdout.Concat(worker.Stderr));

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero, worker.Transcript());
            Assert.That(output, Does.Contain("\"severity\":\"DEBUG\""), "debug lines were written, so the check saw them");
            Assert.That(output, Does.Contain("Wrote result"), "the per-result debug line was written");
            Assert.That(SecretPatterns.Find(output), Is.Empty, "credential-shaped strings in the logs");
            // Google's storage client logs no HTTP headers (its own logger is off); any HTTP log that does appear must redact.
            Assert.That(SecretPatterns.UnredactedHeaders(output), Is.Empty, "header values shown in HTTP logs");
            Assert.That(secrets.ExactValues.Where(output.Contains), Is.Empty, "planted credentials that reached the logs");
        });
    }

    private static Dictionary<string, string> WorkerEnvironment(LocalDeployment deployment, string modelPath)
    {
        var environment = BaseEnvironment(deployment, modelPath);
        // Every category the shipped appsettings.json turns down (and the rest, through Default) at Trace.
        using var appSettings = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "appsettings.json")));
        foreach (var category in appSettings.RootElement.GetProperty("Logging").GetProperty("LogLevel").EnumerateObject())
        {
            environment[$"Logging__LogLevel__{category.Name}"] = "Trace";
        }

        return environment;
    }

    private static Dictionary<string, string> BaseEnvironment(LocalDeployment deployment, string modelPath) => new()
    {
        ["Worker__Subscription"] = deployment.Subscription,
        ["Worker__Results"] = deployment.ResultsUri,
        ["Worker__InputBuckets__0"] = LocalDeployment.InputsBucket,
        ["Pipeline__Stages__0__Model"] = modelPath,
        ["Pipeline__Device"] = "cpu",
        ["Batching__MaxBatchSize"] = "8",
        ["Health__Port"] = "0",
        ["Shutdown__Grace"] = "00:00:10",
        ["Logging__Format"] = "json",
        ["PUBSUB_EMULATOR_HOST"] = deployment.Emulator.PubSubEmulatorHost,
        ["STORAGE_EMULATOR_HOST"] = deployment.Emulator.StorageEmulatorHost,
    };

    // Good jobs (JSON and raw), jobs that fail in the parser and the decoder, and gs:// reads that fail.
    private static IEnumerable<(byte[] Data, string ContentType)> Jobs()
    {
        var random = new Random(7);
        for (var i = 0; i < 20; i++)
        {
            var png = HostileImages.Noise(random, 12, SKEncodedImageFormat.Png);
            yield return (JobJson.Utf8(JobJson.Job($"ok/{i}", [new("image", JobJson.ImageB64(png))])), "application/json");
            yield return (png, "image/png");
        }

        yield return (JobJson.Utf8("""{"id":"bad/json","inputs":"""), "application/json");
        yield return (JobJson.Utf8(JobJson.Job("bad/not-an-image", [new("image", JobJson.ImageB64([1, 2, 3]))])), "application/json");
        yield return (JobJson.Utf8(JobJson.Job("bad/missing", [new("image", JobJson.ImageUri($"gs://{LocalDeployment.InputsBucket}/missing.png"))])), "application/json");
        yield return (JobJson.Utf8(JobJson.Job("bad/forbidden", [new("image", JobJson.ImageUri("gs://private-data/secret.png"))])), "application/json");
        yield return ([0xFF, 0xD8, 0xFF, 0x00], "image/jpeg");
    }
}
