namespace PullWorker.GpuCheck.Measuring;

/// <summary>
/// How close the engine's outputs must be to the CPU reference: every element within
/// <see cref="Relative"/> x max(1, the largest |reference| of that output). Scaling by the output's own range keeps
/// values near zero from failing on rounding alone.
/// </summary>
/// <param name="Relative">The allowed difference as a fraction of the output's scale.</param>
internal sealed record Tolerance(double Relative)
{
    /// <summary>The CPU engine against the CPU reference: the same kernels, so only summation order differs.</summary>
    public static Tolerance Cpu { get; } = new(1e-5);

    /// <summary>
    /// CUDA against the CPU: ONNX Runtime's CUDA provider uses TF32 for MatMul and Conv by default (10-bit
    /// mantissa, about 5e-4 relative per product), so a few layers drift to about 1e-3 of the output's scale.
    /// </summary>
    public static Tolerance Cuda { get; } = new(1e-2);

    /// <summary>The largest difference of <paramref name="actual"/> from <paramref name="expected"/>, scaled as above.</summary>
    public static double ScaledError(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, double scale)
    {
        if (actual.Length != expected.Length)
        {
            return double.PositiveInfinity;
        }

        double worst = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            var difference = Math.Abs((double)actual[i] - expected[i]);
            worst = double.IsNaN(difference) ? double.PositiveInfinity : Math.Max(worst, difference);
        }

        return worst / Math.Max(1.0, scale);
    }

    /// <summary>max |value| over <paramref name="values"/>: the output's scale.</summary>
    public static double ScaleOf(ReadOnlySpan<float> values)
    {
        double scale = 0;
        foreach (var value in values)
        {
            scale = Math.Max(scale, Math.Abs((double)value));
        }

        return scale;
    }

    public bool Accepts(double scaledError) => scaledError <= Relative;
}
