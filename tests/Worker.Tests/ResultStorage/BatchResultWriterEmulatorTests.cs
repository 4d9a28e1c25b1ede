using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PullWorker.Jobs;
using PullWorker.Jobs.Results;
using PullWorker.Worker.ResultStorage;
using PullWorker.Worker.Tests.Fixtures;

namespace PullWorker.Worker.Tests.ResultStorage;

/// <summary>The batch layout's writer against the storage emulator over real sockets.</summary>
public sealed class BatchResultWriterEmulatorTests : StorageEmulatorFixture
{
    private const int MaxLines = 16;
    private static readonly ModelInfo Model = new("mnist", "9f86d081");
    private static readonly DateTimeOffset PublishTime = new(2026, 11, 22, 10, 0, 0, 123, TimeSpan.Zero);

    [Test]
    [CancelAfter(30_000)]
    public async Task Write_ManyResults_JsonlObjectsWhoseLinesAreExactlyTheObjectLayoutDocuments(CancellationToken cancellationToken)
    {
        const int jobs = 40;
        using var writer = CreateWriter(out var prefix);
        var results = Results(jobs);

        var outcomes = await Task.WhenAll(results.Select(r => writer.WriteAsync(r, cancellationToken)));

        var stored = Emulator.ListObjects(ResultsBucket, prefix);
        var lines = stored.SelectMany(o => Lines(o.Data.Span)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(outcomes, Has.All.EqualTo(ResultWriteOutcome.Written));
            Assert.That(stored, Has.Count.InRange(jobs / MaxLines, jobs), "grouped: no more objects than lines");
            Assert.That(stored.Select(o => o.Name), Has.All.StartWith($"{prefix}batches/").And.All.EndWith(".jsonl"));
            Assert.That(stored.Select(o => o.ContentType), Has.All.EqualTo("application/x-ndjson"));
            Assert.That(stored.Select(o => int.Parse(o.Metadata["lines"], CultureInfo.InvariantCulture)).Sum(), Is.EqualTo(jobs));
            Assert.That(lines, Is.EquivalentTo(results.Select(r => Encoding.UTF8.GetString(r.ToUtf8Json()))), "each line is the object layout's document");
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Write_StorageFailsForGood_EveryCallerFailsAndNoLineIsWritten(CancellationToken cancellationToken)
    {
        using var writer = CreateWriter(out var prefix);
        var results = Results(MaxLines);
        Emulator.Faults.ErrorRate = 1.0;

        var failures = await Task.WhenAll(results.Select(async r =>
        {
            try
            {
                await writer.WriteAsync(r, cancellationToken);
                return null;
            }
            catch (Google.GoogleApiException e)
            {
                return e;
            }
        }));

        Emulator.Faults.Reset();
        Assert.Multiple(() =>
        {
            Assert.That(failures, Has.All.Not.Null, "no caller may ack");
            Assert.That(Emulator.ListObjects(ResultsBucket, prefix), Is.Empty);
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Write_UnderInjected503_EveryResultLandsExactlyOnce(CancellationToken cancellationToken)
    {
        const int jobs = 200;
        using var writer = CreateWriter(out var prefix);
        var results = Results(jobs);
        Emulator.Faults.Seed = 11;
        Emulator.Faults.ErrorRate = 0.3;

        await Task.WhenAll(results.Select(r => writer.WriteAsync(r, cancellationToken)));

        Emulator.Faults.Reset();
        var lines = Emulator.ListObjects(ResultsBucket, prefix).SelectMany(o => Lines(o.Data.Span)).ToList();
        Assert.That(lines, Is.EquivalentTo(results.Select(r => Encoding.UTF8.GetString(r.ToUtf8Json()))));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Write_TwoWriters_NeverCollideOnANameAndBothKeepAllLines(CancellationToken cancellationToken)
    {
        var prefix = UniquePrefix();
        using var one = Create(prefix);
        using var two = Create(prefix);
        var results = Results(64);

        await Task.WhenAll(results.Select((r, i) => (i % 2 == 0 ? one : two).WriteAsync(r, cancellationToken)));

        var lines = Emulator.ListObjects(ResultsBucket, prefix).SelectMany(o => Lines(o.Data.Span)).ToList();
        Assert.That(lines, Is.EquivalentTo(results.Select(r => Encoding.UTF8.GetString(r.ToUtf8Json()))));
    }

    private static List<string> Lines(ReadOnlySpan<byte> content)
    {
        var text = Encoding.UTF8.GetString(content);
        Assert.That(text, Does.EndWith("\n"), "every line ends with a newline");
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    private static List<JobResult> Results(int count) =>
    [
        .. Enumerable.Range(0, count).Select(i => i % 5 == 4
            ? JobResult.Failed(
                JobId.Parse($"job-{i:D3}"), (1000 + i).ToString(CultureInfo.InvariantCulture), new JobError(JobErrorCode.InvalidJson, "bad"), Model,
                PublishTime, PublishTime, 1)
            : JobResult.Succeeded(
                JobId.Parse($"job-{i:D3}"),
                (1000 + i).ToString(CultureInfo.InvariantCulture),
                new Dictionary<string, OutputTensor> { ["probabilities"] = new OutputTensor<float>(new[] { 0.25f, i }, [2]) },
                Model,
                PublishTime,
                PublishTime.AddSeconds(1),
                1)),
    ];

    private BatchResultWriter CreateWriter(out string prefix)
    {
        prefix = UniquePrefix();
        return Create(prefix);
    }

    private BatchResultWriter Create(string prefix) => new(
        Client, new GcsUri(ResultsBucket, prefix), Options, MaxLines, BatchResultWriter.DefaultLinger, TimeProvider.System,
        Services.GetRequiredService<ILogger<BatchResultWriter>>());
}
