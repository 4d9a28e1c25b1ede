using PullWorker.GpuCheck.Measuring;

namespace PullWorker.GpuCheck.Tests;

public sealed class ToleranceTests
{
    [Test]
    public void TheErrorIsTheLargestDifferenceOverTheOutputsScale()
    {
        float[] expected = [10f, -20f, 0f];
        float[] actual = [10.1f, -20f, 0.05f];

        var error = Tolerance.ScaledError(actual, expected, Tolerance.ScaleOf(expected));

        Assert.That(error, Is.EqualTo(0.1 / 20).Within(1e-6));
    }

    [Test]
    public void SmallOutputsAreScaledByOneNotByThemselves()
    {
        float[] expected = [1e-6f, 0f];
        float[] actual = [2e-6f, 0f];

        var error = Tolerance.ScaledError(actual, expected, Tolerance.ScaleOf(expected));

        Assert.That(Tolerance.Cpu.Accepts(error), Is.True, $"error {error}");
    }

    [Test]
    public void NaNAndMissingElementsNeverPass()
    {
        float[] expected = [1f, 2f];

        Assert.Multiple(() =>
        {
            Assert.That(Tolerance.Cuda.Accepts(Tolerance.ScaledError([1f, float.NaN], expected, 2)), Is.False);
            Assert.That(Tolerance.Cuda.Accepts(Tolerance.ScaledError([1f], expected, 2)), Is.False);
        });
    }

    [Test]
    public void TheCudaToleranceAdmitsTf32RoundingButNotARealError()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Tolerance.Cuda.Accepts(2e-3), Is.True);
            Assert.That(Tolerance.Cuda.Accepts(5e-2), Is.False);
            Assert.That(Tolerance.Cpu.Accepts(2e-3), Is.False);
        });
    }
}
