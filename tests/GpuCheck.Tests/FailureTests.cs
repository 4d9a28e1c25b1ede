using System.Text.Json;
using PullWorker.GpuCheck.Reporting;
using PullWorker.GpuCheck.Scenarios;
using PullWorker.Inference.Configuration;
using PullWorker.Inference.Onnx;
using PullWorker.Inference.Stages;
using PullWorker.Inference.Tensors;

namespace PullWorker.GpuCheck.Tests;

/// <summary>What the check does when the engine and the reference disagree, or the device cannot be used.</summary>
public sealed class FailureTests
{
    [Test]
    public async Task OutputsThatDifferFromTheReferenceFailTheCheckNamingTheOutput()
    {
        // The engine runs y = 2x, the reference y = 2.001x: 5e-4 of the output's scale, far over the CPU tolerance.
        var scenario = ScaleScenario(2f, 2.001f);
        using var run = new CheckRun();

        var exitCode = await run.RunAsync([scenario]);

        Assert.That(exitCode, Is.EqualTo(GpuCheckCommand.CheckFailed));
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(run.Folder, ReportWriter.JsonFileName)));
        var correctness = json.RootElement.GetProperty("scenarios")[0].GetProperty("correctness");
        Assert.Multiple(() =>
        {
            Assert.That(json.RootElement.GetProperty("passed").GetBoolean(), Is.False);
            Assert.That(correctness.GetProperty("passed").GetBoolean(), Is.False);
            Assert.That(correctness.GetProperty("problem").GetString(), Does.Contain("output 'y'"));
            Assert.That(run.Output.ToString(), Does.Contain("FAILED"));
        });
    }

    [Test]
    public async Task ABatchSizeThatCannotBeMeasuredIsReportedAndTheOthersStillAre()
    {
        // Batch 16 needs items up to 31; from item 20 on, making one throws.
        var scenario = ScaleScenario(2f, 2f) with
        {
            CreateItem = index => index < 20
                ? TensorData.Float32(SampleModels.Weights(4, (uint)index + 1, 1f), 4)
                : throw new InvalidOperationException($"item {index} cannot be made"),
        };
        using var run = new CheckRun();

        var exitCode = await run.RunAsync([scenario], batchSizes: [1, 16, 2]);

        Assert.That(exitCode, Is.EqualTo(GpuCheckCommand.CheckFailed));
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(run.Folder, ReportWriter.JsonFileName)));
        var report = json.RootElement.GetProperty("scenarios")[0];
        Assert.Multiple(() =>
        {
            Assert.That(report.GetProperty("correctness").GetProperty("passed").GetBoolean(), Is.True);
            Assert.That(report.GetProperty("throughput").EnumerateArray().Select(row => row.GetProperty("batchSize").GetInt32()), Is.EqualTo(new[] { 1, 2 }));
            Assert.That(report.GetProperty("failures").EnumerateArray().Select(f => f.GetString()), Is.EqualTo(new[] { "batch 16: InvalidOperationException: item 20 cannot be made" }));
            Assert.That(File.ReadAllText(Path.Combine(run.Folder, ReportWriter.MarkdownFileName)), Does.Contain("FAILED at batch 16"));
        });
    }

    [Test]
    public async Task CudaWithoutTheCudaProviderIsOneLineAndExitCodeOne()
    {
        using var run = new CheckRun();

        var exitCode = await run.RunAsync(cuda: true);

        var lines = run.Error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(GpuCheckCommand.SetupProblem));
            Assert.That(lines, Has.Length.EqualTo(1));
            Assert.That(lines[0], Does.StartWith("gpucheck: --device cuda:0:").And.Contain("CUDA provider cannot be used").And.Contain("pack.sh"));
            Assert.That(File.Exists(Path.Combine(run.Folder, ReportWriter.JsonFileName)), Is.False);
        });
    }

    [Test]
    public async Task AnUnknownDeviceIsRefusedBeforeAnythingRuns()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var command = GpuCheckCommand.Create(output, error);
        var folder = Path.Combine(Path.GetTempPath(), $"gpucheck-unused-{Guid.NewGuid():N}");

        var parse = command.Parse(["--device", "tpu", "--out", folder]);
        var exitCode = await parse.InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output, Error = error })
            .WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Not.Zero);
            Assert.That(parse.Errors.Select(e => e.Message), Has.Some.Contains("tpu"));
            Assert.That(Directory.Exists(folder), Is.False);
        });
    }

    private static CheckScenario ScaleScenario(float engineFactor, float referenceFactor) => new(
        "scale",
        $"engine y = {engineFactor}x, reference y = {referenceFactor}x",
        [new ScenarioModel("scale.onnx", Scale(engineFactor))],
        [Scale(referenceFactor)],
        (pipeline, paths) => pipeline.Stages = [new StageOptions { Model = paths[0] }],
        new ScenarioInput("x", TensorDataType.Float32, [4]),
        index => TensorData.Float32(SampleModels.Weights(4, (uint)index + 1, 1f), 4));

    private static byte[] Scale(float factor) =>
        new OnnxModelBuilder("scale")
            .Input("x", TensorDataType.Float32, "N", 4)
            .Initializer("factor", [factor], 1)
            .Node("Mul", ["x", "factor"], ["y"])
            .Output("y", TensorDataType.Float32, "N", 4)
            .Build();
}
