using PullWorker.GpuCheck.Measuring;
using PullWorker.GpuCheck.Scenarios;
using PullWorker.Inference.Stages;
using PullWorker.Inference.Tensors;

namespace PullWorker.GpuCheck.Tests;

/// <summary>The raw baseline computes what its models say: it is also the CPU reference the engine is held to.</summary>
public sealed class RawChainTests
{
    // The CUDA-graph layout (upload and download as Identity sessions around the stages) wired on the CPU.
    private static readonly RawMode CpuWithCopySessions = RawMode.Cpu with { SeparateCopySessions = true };

    [TestCase(false)]
    [TestCase(true)]
    public void ThreeChainedSessionsGiveTheHandComputedProduct(bool separateCopySessions)
    {
        var mode = separateCopySessions ? CpuWithCopySessions : RawMode.Cpu;
        float[][] rows = [[1, 2, 3, 4], [0, -1, 0.5f, 2], [-3, 0, 0, 1]];
        using var chain = RawChain.Create(SampleModels.ThreeStageChain(), new ScenarioInput("x", TensorDataType.Float32, [4]), rows.Length, mode);

        chain.SetInputs([.. rows.Select(row => TensorData.Float32(row, 4))]);
        chain.Run();

        var m = SampleModels.ChainMatrix;
        var expected = rows.SelectMany(x => Enumerable.Range(0, 2).Select(j =>
            Enumerable.Range(0, 4).Sum(k => ((2 * x[k]) + 1) * m[(k * 2) + j]))).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(chain.OutputNames, Is.EqualTo(new[] { "c" }));
            Assert.That(chain.Output("c"), Is.EqualTo(expected).Within(1e-5));
        });
    }

    [TestCase(false)]
    [TestCase(true)]
    public void NewInputsGiveNewOutputsOnTheNextRun(bool separateCopySessions)
    {
        var mode = separateCopySessions ? CpuWithCopySessions : RawMode.Cpu;
        using var chain = RawChain.Create(SampleModels.ThreeStageChain(), new ScenarioInput("x", TensorDataType.Float32, [4]), 1, mode);
        chain.SetInputs([TensorData.Float32([0, 0, 0, 0], 4)]);
        chain.Run();
        var first = chain.Output("c");

        chain.SetInputs([TensorData.Float32([1, 1, 1, 1], 4)]);
        chain.Run();

        // (2*0+1) row through M = column sums [1.5, 2.5]; with x = 1 the rows are 3: [4.5, 7.5].
        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo(new[] { 1f, 2.5f }).Within(1e-5));
            Assert.That(chain.Output("c"), Is.EqualTo(new[] { 3f, 7.5f }).Within(1e-5));
        });
    }

    [Test]
    public void TheDemoChainThroughCopySessionsMatchesTheDirectOne()
    {
        var demo = CheckScenarios.Demo();
        TensorData[] items = [.. Enumerable.Range(0, 3).Select(demo.CreateItem)];
        var direct = CpuReference.Outputs(demo, items);
        using var chain = RawChain.Create(demo.RawChain, demo.Input, items.Length, CpuWithCopySessions);

        chain.SetInputs(items);
        chain.Run();

        Assert.Multiple(() =>
        {
            Assert.That(chain.OutputNames, Is.EquivalentTo(new[] { "mean_rgb", "sharpness" }));
            Assert.That(chain.Output("mean_rgb"), Is.EqualTo(direct["mean_rgb"]));
            Assert.That(chain.Output("sharpness"), Is.EqualTo(direct["sharpness"]));
            Assert.That(direct["mean_rgb"].Distinct().Count(), Is.GreaterThan(1), "distinct items give distinct means");
        });
    }
}
