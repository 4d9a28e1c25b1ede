namespace PullWorker.Inference.Bench;

/// <summary>A model to measure: its bytes, its single input's name and per-item shape, and how long to measure.</summary>
internal sealed record Scenario(string Name, byte[] Model, string Input, long[] ItemShape, TimeSpan Window, double Target)
{
    public long ItemElements => ItemShape.Aggregate(1L, (count, dim) => count * dim);

    /// <summary>Deterministic item values in [-1, 1].</summary>
    public float[] ItemValues(int seed) => Stages.SampleModels.Weights((int)ItemElements, (uint)seed + 100, 1f);
}
