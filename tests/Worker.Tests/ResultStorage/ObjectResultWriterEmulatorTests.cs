using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PullWorker.Jobs;
using PullWorker.Jobs.Results;
using PullWorker.Worker.ResultStorage;
using PullWorker.Worker.Tests.Fixtures;

namespace PullWorker.Worker.Tests.ResultStorage;

public sealed class ObjectResultWriterEmulatorTests : StorageEmulatorFixture
{
    private static readonly ModelInfo Model = new("mnist", "9f86d081");
    private static readonly DateTimeOffset PublishTime = new(2026, 11, 22, 10, 0, 0, 123, TimeSpan.Zero);

    [Test]
    [CancelAfter(30_000)]
    public async Task Write_NewResult_CreatesContractObject(CancellationToken cancellationToken)
    {
        using var writer = CreateWriter(out var prefix);
        var result = Success("batch-2026-11-22/img-00017", "1234567890");

        var outcome = await writer.WriteAsync(result, cancellationToken);

        var stored = Stored(ResultsBucket, $"{prefix}batch-2026-11-22/img-00017.json");
        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(ResultWriteOutcome.Written));
            Assert.That(stored.ContentType, Is.EqualTo("application/json"));
            Assert.That(stored.Metadata, Is.EquivalentTo(new Dictionary<string, string> { ["message-id"] = "1234567890", ["status"] = "ok" }));
            Assert.That(stored.Data.ToArray(), Is.EqualTo(result.ToUtf8Json()));
            Assert.That(JobResult.Parse(stored.Data.Span).Id, Is.EqualTo(result.Id));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Write_SameJobTwice_SecondIsAlreadyExistedAndFirstKept(CancellationToken cancellationToken)
    {
        using var writer = CreateWriter(out var prefix);
        var first = Success("job-1", "100");
        var redelivered = JobResult.Failed(
            JobId.Parse("job-1"), "100", new JobError(JobErrorCode.InferenceFailed, "later attempt"), Model, PublishTime, PublishTime, 2);

        var firstOutcome = await writer.WriteAsync(first, cancellationToken);
        var before = Stored(ResultsBucket, $"{prefix}job-1.json");
        var secondOutcome = await writer.WriteAsync(redelivered, cancellationToken);
        var after = Stored(ResultsBucket, $"{prefix}job-1.json");

        Assert.Multiple(() =>
        {
            Assert.That(firstOutcome, Is.EqualTo(ResultWriteOutcome.Written));
            Assert.That(secondOutcome, Is.EqualTo(ResultWriteOutcome.AlreadyExisted));
            Assert.That(after.Generation, Is.EqualTo(before.Generation));
            Assert.That(after.Data.ToArray(), Is.EqualTo(first.ToUtf8Json()));
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Write_UnderInjected503And429_EveryResultLandsExactlyOnce(CancellationToken cancellationToken)
    {
        const int jobs = 200;
        using var writer = CreateWriter(out var prefix);
        var results = Enumerable.Range(0, jobs).Select(i => Success($"job-{i:D3}", (1000 + i).ToString(CultureInfo.InvariantCulture))).ToList();
        Emulator.Faults.Seed = 7;
        Emulator.Faults.ErrorRate = 0.3;
        var requestsBefore = Emulator.RequestCount;

        var outcomes = await Task.WhenAll(results.Select(r => writer.WriteAsync(r, cancellationToken)));
        var requests = Emulator.RequestCount - requestsBefore;
        var redeliveries = await Task.WhenAll(results.Select(r => writer.WriteAsync(r, cancellationToken)));

        Emulator.Faults.Reset();
        var stored = Emulator.ListObjects(ResultsBucket, prefix);
        Assert.Multiple(() =>
        {
            // Injected failures change no state, so no first write can find its own earlier attempt.
            Assert.That(outcomes, Has.All.EqualTo(ResultWriteOutcome.Written));
            Assert.That(redeliveries, Has.All.EqualTo(ResultWriteOutcome.AlreadyExisted));
            Assert.That(requests, Is.GreaterThan(jobs + 30), "faults were injected and retried");
            Assert.That(stored.Select(o => o.Name), Is.EquivalentTo(results.Select(r => $"{prefix}{r.Id}.json")));
            Assert.That(stored.Select(o => o.Metadata["message-id"]), Is.EquivalentTo(results.Select(r => r.MessageId)));
            Assert.That(
                stored.All(o => JobResult.Parse(o.Data.Span).MessageId == o.Metadata["message-id"]),
                Is.True,
                "each object holds its own job's document");
        });
        TestContext.Out.WriteLine($"{jobs} writes under 30 % faults took {requests} requests");
    }

    [TestCase("../x")]
    [TestCase("a//b")]
    [TestCase("%2e%2e")]
    [TestCase("/etc/passwd")]
    [TestCase("a/../../b")]
    [TestCase("x\r\ny")]
    [TestCase("x\0")]
    [TestCase("caf\u00e9/\u202e")]
    [TestCase("..")]
    [TestCase("a/.")]
    [CancelAfter(30_000)]
    public async Task Write_HostileIdRejected_ErrorResultGoesUnderPrefixByMessageId(string hostileId, CancellationToken cancellationToken)
    {
        using var writer = CreateWriter(out var prefix);

        // What the worker does with a job whose id fails validation: an invalid_id result named by the message id.
        var valid = JobId.TryParse(hostileId, out _, out var reason);
        var result = JobResult.Failed(
            JobId.Parse("777"), "777", new JobError(JobErrorCode.InvalidId, reason!), Model, PublishTime, PublishTime, 1);
        await writer.WriteAsync(result, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(valid, Is.False);
            Assert.That(Emulator.ListObjects(ResultsBucket, prefix).Select(o => o.Name), Is.EqualTo(new[] { $"{prefix}777.json" }));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Write_VeryLongId_RejectedWhileMaxLengthIdStaysUnderPrefix(CancellationToken cancellationToken)
    {
        using var writer = CreateWriter(out var prefix);
        var longest = string.Join('/', Enumerable.Repeat("..a", 64)).PadRight(JobId.MaxLength, 'z');

        await writer.WriteAsync(Success(longest, "1"), cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(JobId.TryParse(longest + "z", out _, out _), Is.False);
            Assert.That(Emulator.ListObjects(ResultsBucket, prefix).Select(o => o.Name), Is.EqualTo(new[] { $"{prefix}{longest}.json" }));
        });
    }

    [Test]
    public void ObjectFor_DotHeavyValidIds_StayUnderPrefix()
    {
        using var writer = CreateWriter(out var prefix);
        var ids = new[] { "...", "..a", "a..", ".a/.b/..c", "x.json", "-/_/." + "a" };

        var names = ids.Select(id => writer.ObjectFor(JobId.Parse(id)).ObjectName).ToList();

        Assert.That(names, Has.All.StartsWith(prefix).And.All.EndsWith(".json"));
    }

    [Test]
    public void Constructor_PrefixWithoutSlash_TreatedAsFolder()
    {
        using var writer = new ObjectResultWriter(
            Client, GcsUri.Parse("gs://results-bucket/out"), Options, TimeProvider.System, Logger());

        Assert.That(writer.ObjectFor(JobId.Parse("a")).ToString(), Is.EqualTo("gs://results-bucket/out/a.json"));
    }

    private ObjectResultWriter CreateWriter(out string prefix)
    {
        prefix = UniquePrefix();
        return new ObjectResultWriter(Client, new GcsUri(ResultsBucket, prefix), Options, TimeProvider.System, Logger());
    }

    private ILogger<ObjectResultWriter> Logger() => Services.GetRequiredService<ILogger<ObjectResultWriter>>();

    private static JobResult Success(string id, string messageId) => JobResult.Succeeded(
        JobId.Parse(id),
        messageId,
        new Dictionary<string, OutputTensor> { ["probabilities"] = new OutputTensor<float>(new[] { 0.25f, 0.75f }, [2]) },
        Model,
        PublishTime,
        PublishTime.AddSeconds(1),
        1);
}
