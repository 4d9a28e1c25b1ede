using PullWorker.Worker.Tests.Process;

namespace PullWorker.Worker.Tests.EndToEnd;

/// <summary>
/// The worker as shipped, at the log levels of its own <c>appsettings.json</c>: a production run logs its start,
/// its drain and what goes wrong, never a line per job (at 20,000 jobs a line per request was 120,000 lines,
/// each costing CPU and Cloud Logging money).
/// </summary>
[TestFixture]
public sealed class LogVolumeTests
{
    private const int Jobs = 2_000;

    /// <summary>Start-up, readiness and drain lines, with room to spare; far below one line per job.</summary>
    private const int MaxLines = 100;

    [Test]
    [CancelAfter(120_000)]
    public async Task Worker_DefaultLogLevels_WritesAFewLinesWhateverTheJobCount(CancellationToken cancellationToken)
    {
        using var model = await ModelFile.WriteAsync(TensorJobs.Model(), cancellationToken);
        await using var deployment = await LocalDeployment.CreateAsync("logs", cancellationToken);
        // Malformed jobs too: an error result is an outcome, not something to log.
        await deployment.PublishAllAsync(TensorJobs.Create(Jobs, seed: 21).Select(c => c.Message), cancellationToken);

        await using var worker = WorkerProcess.Start(deployment.WorkerEnvironment(model.Path));
        await deployment.WaitForResultsAsync(Jobs, cancellationToken);
        await worker.TerminateAsync(cancellationToken);
        var exitCode = await worker.WaitForExitAsync(cancellationToken);

        var lines = worker.Stdout.Count + worker.Stderr.Count;
        await TestContext.Out.WriteLineAsync($"{lines} log lines for {Jobs} jobs:{Environment.NewLine}{worker.Transcript()}");
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero, worker.Transcript());
            Assert.That(worker.Stdout, Has.Some.Contains("Pulling "), "the worker's own Information lines are kept");
            Assert.That(lines, Is.LessThan(MaxLines), worker.Transcript());
        });
    }
}
