using System.Text.Json;
using PullWorker.GpuCheck.Reporting;

namespace PullWorker.GpuCheck.Tests;

/// <summary>The quick CPU run CI does: every pipeline matches the CPU reference and the report is complete.</summary>
public sealed class QuickCpuCheckTests
{
    [Test]
    public async Task QuickCpuRunPassesAndReportsEveryPipelineAtEveryBatchSize()
    {
        using var run = new CheckRun();

        var exitCode = await run.RunAsync();

        Assert.That(exitCode, Is.EqualTo(GpuCheckCommand.Passed), run.Output + run.Error.ToString());
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(run.Folder, ReportWriter.JsonFileName)));
        var report = json.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(report.GetProperty("device").GetString(), Is.EqualTo("cpu"));
            Assert.That(report.GetProperty("passed").GetBoolean(), Is.True);
            Assert.That(report.GetProperty("gpuMemoryBeforeMiB").ValueKind, Is.EqualTo(JsonValueKind.Null));
        });
        var scenarios = report.GetProperty("scenarios").EnumerateArray().ToArray();
        Assert.That(scenarios.Select(s => s.GetProperty("name").GetString()), Is.EqualTo(new[] { "demo", "cnn+head", "mlp" }));
        foreach (var scenario in scenarios)
        {
            var name = scenario.GetProperty("name").GetString();
            var correctness = scenario.GetProperty("correctness");
            var copies = correctness.GetProperty("copiesPerBatch");
            Assert.Multiple(() =>
            {
                Assert.That(correctness.GetProperty("passed").GetBoolean(), Is.True, name);
                Assert.That(correctness.GetProperty("items").GetInt32(), Is.EqualTo(11), name);
                Assert.That(correctness.GetProperty("worstScaledError").GetDouble(), Is.LessThanOrEqualTo(1e-5), name);
                Assert.That(copies.GetProperty("betweenStages").GetInt32(), Is.Zero, $"{name}: stages must hand over on the device");
                Assert.That(scenario.GetProperty("failures").GetArrayLength(), Is.Zero, name);
            });
            var rows = scenario.GetProperty("throughput").EnumerateArray().ToArray();
            Assert.That(rows.Select(r => r.GetProperty("batchSize").GetInt32()), Is.EqualTo(new[] { 1, 4 }), name);
            foreach (var row in rows)
            {
                Assert.Multiple(() =>
                {
                    Assert.That(row.GetProperty("engineItemsPerSecond").GetDouble(), Is.GreaterThan(0), name);
                    Assert.That(row.GetProperty("rawItemsPerSecond").GetDouble(), Is.GreaterThan(0), name);
                    Assert.That(row.GetProperty("rawWorstScaledError").GetDouble(), Is.LessThanOrEqualTo(1e-5), name);
                    Assert.That(row.GetProperty("rawOutputsMatch").GetBoolean(), Is.True, name);
                    Assert.That(row.GetProperty("rawCudaGraphItemsPerSecond").ValueKind, Is.EqualTo(JsonValueKind.Null), name);
                    Assert.That(row.GetProperty("rawCudaGraphNote").GetString(), Is.EqualTo("n/a (CPU)"), name);
                    Assert.That(row.GetProperty("gpuMemoryUsedMiB").ValueKind, Is.EqualTo(JsonValueKind.Null), name);
                });
            }
        }

        var markdown = await File.ReadAllTextAsync(Path.Combine(run.Folder, ReportWriter.MarkdownFileName));
        Assert.Multiple(() =>
        {
            Assert.That(markdown, Does.StartWith("# GPU self-check: PASSED"));
            Assert.That(markdown, Does.Contain("## cnn+head: two models"));
            Assert.That(markdown.Split('\n').Count(line => line.StartsWith("| 4 |", StringComparison.Ordinal)), Is.EqualTo(3));
        });
    }
}
