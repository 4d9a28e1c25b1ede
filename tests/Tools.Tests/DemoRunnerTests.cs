using PullWorker.Jobs;
using PullWorker.Jobs.Results;
using PullWorker.Tools.Demo;

namespace PullWorker.Tools.Tests;

/// <summary>The demo end to end, small: emulator, worker and sample jobs in this process, results as files.</summary>
[TestFixture]
public sealed class DemoRunnerTests
{
    private const int Jobs = 60;

    private string _storageDirectory = string.Empty;

    [SetUp]
    public void CreateStorageDirectory() =>
        _storageDirectory = Directory.CreateTempSubdirectory("pullworker-demo-test-").FullName;

    [TearDown]
    public void DeleteStorageDirectory() => Directory.Delete(_storageDirectory, recursive: true);

    [Test]
    [CancelAfter(90_000)]
    public async Task Demo_SixtyJobs_SummaryMatchesTheResultFilesAndRedReadsAsRed(CancellationToken cancellationToken)
    {
        using var console = new TestConsole();
        var settings = new DemoSettings(Jobs, _storageDirectory, KeepRunning: false, TimeSpan.FromSeconds(60));

        var summary = await new DemoRunner(settings, console.Console, TimeProvider.System).RunAsync(cancellationToken);

        var files = Directory.GetFiles(Path.GetFullPath(summary.ResultsDirectory), "*.json", SearchOption.AllDirectories);
        var results = files.Select(f => JobResult.Parse(File.ReadAllBytes(f))).ToList();
        var red = results.Where(r => r.Status == JobStatus.Ok && r.Id.Value.Contains("-solid-red.", StringComparison.Ordinal)).ToList();
        var errorCodes = results.Where(r => r.Error is not null).Select(r => r.Error!.Code).Order().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(summary.Succeeded, Is.True, console.Output);
            Assert.That(summary.Published, Is.EqualTo(Jobs));
            Assert.That(files, Has.Length.EqualTo(Jobs), "one result object per job");
            Assert.That(summary.Statistics.Total, Is.EqualTo(files.Length));
            Assert.That(summary.Statistics.Ok, Is.EqualTo(results.Count(r => r.Status == JobStatus.Ok)));
            Assert.That(summary.Statistics.Errors, Is.EqualTo(summary.Malformed));
            Assert.That(errorCodes, Is.EqualTo(new[]
            {
                JobErrorCode.InvalidJson, JobErrorCode.InvalidId, JobErrorCode.UnknownInput, JobErrorCode.MissingInput,
                JobErrorCode.InvalidTensor, JobErrorCode.InputNotFound, JobErrorCode.InputForbidden, JobErrorCode.DecodeFailed,
            }.Order()));
            Assert.That(summary.Batches, Is.GreaterThan(0));
            Assert.That(summary.MeanBatchSize, Is.InRange(1.0, DemoWorkerConfiguration.MaxBatchSize));
            Assert.That(red, Is.Not.Empty, "the mix includes solid red images");
            foreach (var result in red)
            {
                var meanRgb = ((OutputTensor<float>)result.Outputs!["mean_rgb"]).Data.ToArray();
                Assert.That(meanRgb, Is.EqualTo(new[] { 1f, 0f, 0f }).Within(0.02f), result.Id.Value);
            }

            Assert.That(summary.Examples[0].Id, Does.Contain("solid-red"));
            Assert.That(console.Output, Does.Contain("demo summary").And.Contain("mean batch fill"));
        });
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task Demo_BatchLayout_SummaryCountsEveryJobOnceFromFewerObjects(CancellationToken cancellationToken)
    {
        using var console = new TestConsole();
        var settings = new DemoSettings(Jobs, _storageDirectory, KeepRunning: false, TimeSpan.FromSeconds(60), ResultLayout.Batch);

        var summary = await new DemoRunner(settings, console.Console, TimeProvider.System).RunAsync(cancellationToken);

        var files = Directory.GetFiles(Path.GetFullPath(summary.ResultsDirectory), "*", SearchOption.AllDirectories);
        var lines = files.SelectMany(File.ReadAllLines).Where(l => l.Length > 0).Select(l => JobResult.Parse(System.Text.Encoding.UTF8.GetBytes(l))).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(summary.Succeeded, Is.True, console.Output);
            Assert.That(files, Has.All.Contains($"{Path.DirectorySeparatorChar}batches{Path.DirectorySeparatorChar}").And.All.EndsWith(".jsonl"));
            Assert.That(summary.ResultObjects, Is.EqualTo(files.Length).And.LessThan(Jobs));
            Assert.That(lines.Select(l => l.Id.Value).Distinct().Count(), Is.EqualTo(Jobs), "every job has a line");
            Assert.That(summary.Statistics.Total, Is.EqualTo(Jobs));
            Assert.That(summary.Statistics.Errors, Is.EqualTo(summary.Malformed));
            Assert.That(summary.LinesPerObject, Is.EqualTo((double)lines.Count / files.Length).Within(1e-9));
            Assert.That(console.Output, Does.Contain("result layout").And.Contain("batch:"));
        });
    }
}
