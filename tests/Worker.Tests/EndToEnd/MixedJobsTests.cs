using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using PullWorker.Inference.Stages;
using PullWorker.Worker.Hosting;

namespace PullWorker.Worker.Tests.EndToEnd;

/// <summary>
/// Two thousand jobs of every kind through the whole worker (in this process, real sockets, the emulator): each
/// gets exactly one result, equal to a direct ONNX Runtime run of the model, or the error its content deserves.
/// </summary>
[TestFixture]
public sealed class MixedJobsTests
{
    private const int TensorJobCount = 1_400;
    private const int ImageJobCount = 600;
    private const int Duplicates = 20;

    private string _directory = string.Empty;

    [OneTimeSetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("pullworker-mixed-").FullName;

    [OneTimeTearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    [CancelAfter(120_000)]
    public async Task Worker_TensorJobsOfEveryEncodingAndMalformedOnes_OneResultEachMatchingDirectRun(CancellationToken cancellationToken)
    {
        var model = TensorJobs.Model();
        var cases = TensorJobs.Create(TensorJobCount, seed: 6);
        await using var deployment = await LocalDeployment.CreateAsync("tensors", cancellationToken);
        var configuration = deployment.WorkerConfiguration(await WriteModelAsync("tensor.onnx", model, cancellationToken));
        configuration["Jobs:MaxMessageBytes"] = TensorJobs.MaxMessageBytes.ToString(CultureInfo.InvariantCulture);

        await RunAndCheckAsync(deployment, configuration, model, cases, cancellationToken);
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task Worker_ImageJobsInlineFromBucketAndRaw_OneResultEachMatchingDirectRun(CancellationToken cancellationToken)
    {
        var model = SampleModels.Demo();
        var images = new ImageJobs(count: 24);
        var cases = images.Create(ImageJobCount);
        await using var deployment = await LocalDeployment.CreateAsync("images", cancellationToken);
        await images.UploadAsync(deployment, cancellationToken);
        var configuration = deployment.WorkerConfiguration(await WriteModelAsync("demo.onnx", model, cancellationToken));
        configuration["Pipeline:Image:Width"] = ImageJobs.Size.ToString(CultureInfo.InvariantCulture);
        configuration["Pipeline:Image:Height"] = ImageJobs.Size.ToString(CultureInfo.InvariantCulture);

        await RunAndCheckAsync(deployment, configuration, model, cases, cancellationToken);
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Worker_SameJobPublishedTwice_OneResultAndBothMessagesAcked(CancellationToken cancellationToken)
    {
        var model = TensorJobs.Model();
        var job = TensorJobs.Create(1, seed: 2).Single();
        await using var deployment = await LocalDeployment.CreateAsync("twice", cancellationToken);
        var configuration = deployment.WorkerConfiguration(await WriteModelAsync("tensor.onnx", model, cancellationToken));
        var messageIds = await deployment.PublishAllAsync([job.Message, job.Message.Clone()], cancellationToken);

        await using var app = WorkerHost.Build([], config => config.AddInMemoryCollection(configuration));
        await app.StartAsync(cancellationToken);
        var stats = await deployment.WaitForStatsAsync(s => s.Acked >= 2 && s.Backlog == 0, cancellationToken);
        await app.StopAsync(cancellationToken);

        var results = deployment.Results();
        Assert.Multiple(() =>
        {
            Assert.That(results.Keys, Is.EqualTo(new[] { job.Id }), "one result object for the job");
            Assert.That(messageIds, Does.Contain(results[job.Id!].MessageId));
            Assert.That(stats.Acked, Is.EqualTo(2), "both messages acked");
            Assert.That(stats.Nacked, Is.Zero, "the duplicate is not retried");
        });
    }

    private static async Task RunAndCheckAsync(
        LocalDeployment deployment, Dictionary<string, string?> configuration, byte[] model, List<JobCase> cases, CancellationToken cancellationToken)
    {
        // A few jobs arrive twice (a publisher retrying): still one result each.
        var messages = cases.Select(c => c.Message).Concat(cases.Where(c => c.Error is null && c.Id is not null).Take(Duplicates).Select(c => c.Message.Clone()));
        var messageIds = await deployment.PublishAllAsync(messages, cancellationToken);
        var expectedNames = ResultExpectations.ExpectedNames(cases, messageIds);

        await using var app = WorkerHost.Build([], config => config.AddInMemoryCollection(configuration));
        var clock = Stopwatch.StartNew();
        await app.StartAsync(cancellationToken);
        var results = await deployment.WaitForResultsAsync(expectedNames.Count, cancellationToken);
        var elapsed = clock.Elapsed;
        var stats = await deployment.WaitForStatsAsync(s => s.Backlog == 0, cancellationToken);
        await app.StopAsync(cancellationToken);
        await TestContext.Out.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture, $"{messageIds.Count} messages, {results.Count} results in {elapsed.TotalSeconds:F1} s (start-up included): {messageIds.Count / elapsed.TotalSeconds:F0} jobs/s"));

        using var reference = new ReferenceModel(model);
        var mismatches = ResultExpectations.Mismatches(cases, messageIds, results, reference);
        Assert.Multiple(() =>
        {
            Assert.That(results.Keys.Order(), Is.EqualTo(expectedNames.Order()), "exactly one result object per job, and no other");
            Assert.That(mismatches, Is.Empty, "results unlike the direct run or the expected error");
            Assert.That(cases.Count(c => c.Error is not null), Is.GreaterThanOrEqualTo(cases.Count / 25), "about 5% malformed");
            Assert.That(stats.Acked, Is.EqualTo(messageIds.Count), "every message acked once");
            Assert.That(stats.Nacked + stats.Expired, Is.Zero, "nothing retried");
            Assert.That(results.Values.All(r => r.DeliveryAttempt == 1), Is.True);
        });
    }

    private async Task<string> WriteModelAsync(string name, byte[] model, CancellationToken cancellationToken)
    {
        var path = Path.Combine(_directory, name);
        await File.WriteAllBytesAsync(path, model, cancellationToken);
        return path;
    }
}
