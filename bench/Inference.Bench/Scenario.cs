namespace PullWorker.Inference.Bench;

/// <summary>
/// A model to measure: its bytes, its single input's name and per-item shape, how long each measurement lasts and how
/// many rounds of raw-then-engine to run, the ratio it must reach (if any), and the intra-op threads both the raw
/// session and the engine use (0: one per core; spinning off in both, as the worker runs).
/// </summary>
internal sealed record Scenario(
    string Name, byte[] Model, string Input, long[] ItemShape, TimeSpan Window, int Rounds, double? Target, int IntraOpThreads)
{
    public long ItemElements => ItemShape.Aggregate(1L, (count, dim) => count * dim);

    /// <summary>Deterministic item values in [-1, 1].</summary>
    public float[] ItemValues(int seed) => Stages.SampleModels.Weights((int)ItemElements, (uint)seed + 100, 1f);
}
