using PullWorker.Inference.Configuration;
using PullWorker.Inference.Stages;

namespace PullWorker.Inference.Tests.Support;

/// <summary>The three-stage chain of <see cref="SampleModels.ThreeStageChain"/>: its options, rows, and hand-computed results.</summary>
internal static class ChainPipeline
{
    public static PipelineOptions Options() => Pipelines.Of(ModelFiles.Chain(0), ModelFiles.Chain(1), ModelFiles.Chain(2));

    /// <summary>A row no other index gives, so a result delivered to the wrong owner shows.</summary>
    public static float[] DistinctRow(int i) => [i, -i, i * 0.5f, 1000 + i];

    /// <summary>c = (2x + 1) M with M rows (1,0), (0,1), (1,1), (-1,0.5).</summary>
    public static float[] Expected(float[] x)
    {
        var b = x.Select(v => (2 * v) + 1).ToArray();
        var m = SampleModels.ChainMatrix;
        return [(b[0] * m[0]) + (b[1] * m[2]) + (b[2] * m[4]) + (b[3] * m[6]), (b[0] * m[1]) + (b[1] * m[3]) + (b[2] * m[5]) + (b[3] * m[7])];
    }
}
