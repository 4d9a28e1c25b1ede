using PullWorker.Inference.Stages;

namespace PullWorker.Bench.Throughput;

/// <summary>A model to push through the worker: its bytes, its single input and per-item shape, how many jobs.</summary>
internal sealed record ThroughputScenario(string Name, byte[] Model, string Input, long[] ItemShape, int Jobs)
{
    public const int DistinctItems = 64;

    public int ItemElements => (int)ItemShape.Aggregate(1L, (count, dim) => count * dim);

    /// <summary>Deterministic item values in [-1, 1]; job i uses pattern i mod <see cref="DistinctItems"/>.</summary>
    public float[] ItemValues(int index) => SampleModels.Weights(ItemElements, (uint)(index % DistinctItems) + 100, 1f);
}
