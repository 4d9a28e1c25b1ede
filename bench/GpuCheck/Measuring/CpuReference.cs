using PullWorker.GpuCheck.Scenarios;
using PullWorker.Inference.Tensors;

namespace PullWorker.GpuCheck.Measuring;

/// <summary>The outputs every other run is held to: the scenario's raw chain on the CPU, all items in one batch.</summary>
internal static class CpuReference
{
    public static Dictionary<string, float[]> Outputs(CheckScenario scenario, IReadOnlyList<TensorData> items)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(items);
        using var cpu = RawChain.Create(scenario.RawChain, scenario.Input, items.Count, RawMode.Cpu);
        cpu.SetInputs(items);
        cpu.Run();
        return cpu.OutputNames.ToDictionary(name => name, cpu.Output, StringComparer.Ordinal);
    }

    /// <summary>The worst <see cref="Tolerance.ScaledError"/> of a whole batch of raw outputs against the reference.</summary>
    public static double WorstScaledError(RawChain chain, IReadOnlyDictionary<string, float[]> reference)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(reference);
        return chain.OutputNames.Max(name => Tolerance.ScaledError(chain.Output(name), reference[name], Tolerance.ScaleOf(reference[name])));
    }
}
