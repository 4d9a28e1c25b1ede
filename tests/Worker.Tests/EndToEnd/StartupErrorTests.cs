using System.Diagnostics;
using PullWorker.Worker.Tests.Process;

namespace PullWorker.Worker.Tests.EndToEnd;

/// <summary>
/// Whatever a user can get wrong at start-up stops the built worker quickly, with a non-zero exit code and one line
/// on standard error that says what to fix.
/// </summary>
[TestFixture]
public sealed class StartupErrorTests
{
    private static readonly TimeSpan Quickly = TimeSpan.FromSeconds(15);

    private LocalDeployment? _deployment;
    private string _directory = string.Empty;
    private string _modelPath = string.Empty;

    /// <summary>Broken settings (<c>VARIABLE=value</c>), and words the error line must contain.</summary>
    private static IEnumerable<TestCaseData> Mistakes()
    {
        yield return Case("subscription not found", [$"Worker__Subscription=projects/{LocalDeployment.Project}/subscriptions/no-such-subscription"], "no-such-subscription");
        yield return Case("subscription missing", ["Worker__Subscription="], "Worker:Subscription");
        yield return Case("no model file", ["Pipeline__Stages__0__Model=/nonexistent/model.onnx"], "Pipeline:Stages:0:Model", "/nonexistent/model.onnx");
        yield return Case("gs:// model missing", [$"Pipeline__Stages__0__Model=gs://{LocalDeployment.InputsBucket}/models/none.onnx"], "Pipeline:Stages:0:Model", "models/none.onnx does not exist");
        yield return Case("model not ONNX", ["Pipeline__Stages__0__Model={directory}/not-a-model.onnx"], "not-a-model.onnx");
        yield return Case("cuda on a CPU build", ["Pipeline__Device=cuda"], "cuda");
        yield return Case("batch size 0", ["Batching__MaxBatchSize=0"], "Batching:MaxBatchSize");
        yield return Case("results not a URI", ["Worker__Results=not-a-uri"], "Worker:Results", "not-a-uri");
        yield return Case("results bucket missing", ["Worker__Results=gs://no-such-results/out/"], "Worker:Results", "'no-such-results'", "does not exist");
        yield return Case("pubsub unreachable", ["PUBSUB_EMULATOR_HOST=127.0.0.1:1"], "Worker:Subscription", "cannot reach Pub/Sub at PUBSUB_EMULATOR_HOST=127.0.0.1:1");
        yield return Case("storage unreachable", ["STORAGE_EMULATOR_HOST=http://127.0.0.1:1", "Storage__RetryAttempts=1"], "Worker:Results", "cannot reach Cloud Storage");
        yield return Case("input bucket missing", ["Worker__InputBuckets__0=no-such-inputs"], "Worker:InputBuckets:0", "'no-such-inputs'", "does not exist");
        yield return Case("result layout unknown", ["Worker__ResultLayout=bundle"], "Worker:ResultLayout", "bundle");
        yield return Case("result layout out of range", ["Worker__ResultLayout=7"], "Worker:ResultLayout", "'object' or 'batch'");
        yield return Case("job nesting 0", ["Jobs__MaxDepth=0"], "Jobs:MaxDepth must be at least 1");
        yield return Case("image pixels 0", ["Decoding__MaxImagePixels=0"], "Decoding:MaxImagePixels must be at least 1");
        yield return Case("log format unknown", ["Logging__Format=xml"], "Logging:Format", "xml");
        yield return Case("two sections wrong", ["Batching__MaxBatchSize=0", "Worker__Results=not-a-uri"], "Batching:MaxBatchSize", "Worker:Results");
    }

    [OneTimeSetUp]
    public async Task CreateDeployment()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _deployment = await LocalDeployment.CreateAsync("startup", timeout.Token);
        _directory = Directory.CreateTempSubdirectory("pullworker-startup-").FullName;
        _modelPath = Path.Combine(_directory, "tensor.onnx");
        await File.WriteAllBytesAsync(_modelPath, TensorJobs.Model(), timeout.Token);
        await File.WriteAllTextAsync(Path.Combine(_directory, "not-a-model.onnx"), "this is not an ONNX model", timeout.Token);
    }

    [OneTimeTearDown]
    public async Task DisposeDeployment()
    {
        if (_deployment is not null)
        {
            await _deployment.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    [TestCaseSource(nameof(Mistakes))]
    [CancelAfter(30_000)]
    public async Task Worker_StartupMistake_ExitsNonZeroWithOneLineNamingIt(string[] settings, string[] keywords, CancellationToken cancellationToken)
    {
        var environment = _deployment!.WorkerEnvironment(_modelPath);
        foreach (var setting in settings)
        {
            var (variable, value) = (setting[..setting.IndexOf('=', StringComparison.Ordinal)], setting[(setting.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            environment[variable] = value.Replace("{directory}", _directory, StringComparison.Ordinal);
        }

        var clock = Stopwatch.StartNew();
        await using var worker = WorkerProcess.Start(environment);
        var exitCode = await worker.WaitForExitAsync(cancellationToken);
        var elapsed = clock.Elapsed;

        var errors = worker.Stderr.Where(line => line.Length > 0).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Not.Zero, worker.Transcript());
            Assert.That(errors, Has.Count.EqualTo(1), worker.Transcript());
            Assert.That(errors.FirstOrDefault(), Does.StartWith("pullworker: "));
            foreach (var keyword in keywords)
            {
                Assert.That(errors.FirstOrDefault(), Does.Contain(keyword));
            }

            Assert.That(elapsed, Is.LessThan(Quickly));
        });
    }

    private static TestCaseData Case(string name, string[] settings, params string[] keywords) =>
        new TestCaseData(settings, keywords).SetArgDisplayNames(name);
}
