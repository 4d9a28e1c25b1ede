using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Google.Cloud.PubSub.V1;
using Google.Protobuf;
using PullWorker.Inference.Stages;
using PullWorker.Jobs;
using PullWorker.Worker.Tests.EndToEnd;
using PullWorker.Worker.Tests.Process;

namespace PullWorker.Worker.Tests.Faults;

/// <summary>
/// A model that fails for one specific input (<see cref="SampleModels.Poisoned"/>): the job carrying it gets
/// <c>inference_failed</c>, and the jobs batched with it still get their outputs.
/// </summary>
[TestFixture]
public sealed partial class PoisonedInputTests
{
    private const int Jobs = 48;
    private const int PoisonIndex = 21;
    private const int Features = 4;

    [Test]
    [CancelAfter(90_000)]
    public async Task Worker_OneInputMakesTheModelFail_OnlyThatJobGetsInferenceFailed(CancellationToken cancellationToken)
    {
        await using var deployment = await LocalDeployment.CreateAsync("poison", cancellationToken);
        var model = SampleModels.Poisoned();
        var random = new Random(931);
        var cases = Enumerable.Range(0, Jobs).Select(i => Job(i, random)).ToList();
        var messageIds = await deployment.PublishAllAsync(cases.Select(c => c.Message), cancellationToken);
        using var modelFile = await ModelFile.WriteAsync(model, cancellationToken);

        // Everything is published before the worker starts and a batch may wait for company, so batches are full.
        var environment = WorkerEnvironments.Process(deployment, modelFile.Path);
        environment["Batching__MaxDelay"] = "00:00:00.200";
        await using var worker = WorkerProcess.Start(environment);
        var results = await deployment.WaitForResultsAsync(Jobs, cancellationToken);
        var stats = await deployment.WaitForStatsAsync(s => s.Backlog == 0 && s.Outstanding == 0, cancellationToken);
        await worker.TerminateAsync(cancellationToken);
        var exitCode = await worker.WaitForExitAsync(cancellationToken);

        using var reference = new ReferenceModel(model);
        var mismatches = ResultExpectations.Mismatches(cases, messageIds, results, reference);
        var failedBatches = worker.Stdout.Select(l => FailedBatch().Match(l)).Where(m => m.Success)
            .Select(m => int.Parse(m.Groups["count"].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(results.Keys.Order(), Is.EqualTo(ResultExpectations.ExpectedNames(cases, messageIds).Order()), "one result per job");
            Assert.That(mismatches, Is.Empty, "the poisoned job failed, every other equals a direct run");
            Assert.That(results.Values.Count(r => r.Error?.Code == JobErrorCode.InferenceFailed), Is.EqualTo(1), "only one job failed");
            Assert.That(failedBatches, Is.Not.Empty.And.All.GreaterThan(1), "the poisoned job had batch-mates, which were isolated from it");
            Assert.That(stats.Nacked + stats.Expired, Is.Zero, "the failure is the job's own: written, acked, not retried");
            Assert.That(exitCode, Is.Zero, worker.Transcript());
        });
    }

    private static JobCase Job(int index, Random random)
    {
        var x = Enumerable.Range(0, Features).Select(_ => (float)Math.Round((random.NextDouble() * 10) - 5, 3)).ToArray();
        var id = string.Create(CultureInfo.InvariantCulture, $"poison/{index:D2}");
        if (index == PoisonIndex)
        {
            x[0] = SampleModels.PoisonSentinel;
        }

        var job = new JsonObject
        {
            ["id"] = id,
            ["inputs"] = new JsonObject
            {
                ["x"] = new JsonObject
                {
                    ["dtype"] = "float32",
                    ["shape"] = new JsonArray(Features),
                    ["data"] = new JsonArray([.. x.Select(v => JsonValue.Create(v))]),
                },
            },
        };
        var message = new PubsubMessage { Data = ByteString.CopyFromUtf8(job.ToJsonString()) };
        return index == PoisonIndex
            ? JobCase.Failing(message, id, JobErrorCode.InferenceFailed)
            : JobCase.Ok(message, id, new ReferenceInput("x", x, [1, Features]));
    }

    [GeneratedRegex(@"A batch of (?<count>\d+) failed")]
    private static partial Regex FailedBatch();
}
