using System.Buffers;

namespace PullWorker.Worker.Decoding;

/// <summary>
/// Shrinks RGBA pixels to RGB by area averaging (what OpenCV calls INTER_AREA): each target pixel is the mean of the
/// source area it covers, partial pixels weighted by coverage. It is the high-quality filter for shrinking (no
/// aliasing, flat colours stay exact) and, separable and in managed code, several times faster here than Skia's
/// mipmapped drawing. Alpha is ignored.
/// </summary>
internal static class AreaResampler
{
    /// <param name="rgba">Source rows of <paramref name="sourceWidth"/> RGBA pixels, <paramref name="rowBytes"/> apart.</param>
    /// <param name="rgb">Receives <paramref name="width"/> x <paramref name="height"/> RGB pixels; not larger than the source.</param>
    public static void Shrink(
        ReadOnlySpan<byte> rgba, int sourceWidth, int sourceHeight, int rowBytes, Span<byte> rgb, int width, int height)
    {
        var columns = new AxisWeights(sourceWidth, width);
        var rows = new AxisWeights(sourceHeight, height);
        var rowLength = width * 3;
        var pool = ArrayPool<float>.Shared;
        var narrowed = pool.Rent(sourceHeight * rowLength);
        var sums = pool.Rent(rowLength);
        try
        {
            // Pass 1: every source row shrunk horizontally.
            for (var y = 0; y < sourceHeight; y++)
            {
                var source = rgba.Slice(y * rowBytes, sourceWidth * 4);
                var target = narrowed.AsSpan(y * rowLength, rowLength);
                for (var x = 0; x < width; x++)
                {
                    float r = 0, g = 0, b = 0;
                    var first = columns.First[x];
                    var weights = columns.WeightsOf(x);
                    for (var k = 0; k < weights.Length; k++)
                    {
                        var p = (first + k) * 4;
                        var w = weights[k];
                        r += source[p] * w;
                        g += source[p + 1] * w;
                        b += source[p + 2] * w;
                    }

                    (target[x * 3], target[(x * 3) + 1], target[(x * 3) + 2]) = (r, g, b);
                }
            }

            // Pass 2: the narrowed rows combined vertically.
            var accumulator = sums.AsSpan(0, rowLength);
            for (var y = 0; y < height; y++)
            {
                accumulator.Clear();
                var first = rows.First[y];
                var weights = rows.WeightsOf(y);
                for (var k = 0; k < weights.Length; k++)
                {
                    var row = narrowed.AsSpan((first + k) * rowLength, rowLength);
                    var w = weights[k];
                    for (var i = 0; i < row.Length; i++)
                    {
                        accumulator[i] += row[i] * w;
                    }
                }

                var output = rgb.Slice(y * rowLength, rowLength);
                for (var i = 0; i < output.Length; i++)
                {
                    output[i] = (byte)Math.Clamp(MathF.Round(accumulator[i]), 0f, 255f);
                }
            }
        }
        finally
        {
            pool.Return(narrowed);
            pool.Return(sums);
        }
    }

    /// <summary>For each target index along one axis: the first source index it covers and the weights (summing to 1).</summary>
    private readonly struct AxisWeights
    {
        private readonly int[] _counts;
        private readonly float[] _weights;
        private readonly int _stride;

        public AxisWeights(int sourceLength, int targetLength)
        {
            var scale = (double)sourceLength / targetLength;
            _stride = (int)Math.Ceiling(scale) + 1;
            First = new int[targetLength];
            _counts = new int[targetLength];
            _weights = new float[targetLength * _stride];
            for (var t = 0; t < targetLength; t++)
            {
                var start = t * scale;
                var end = Math.Min((t + 1) * scale, sourceLength);
                var first = (int)start;
                var count = 0;
                for (var s = first; s < end; s++)
                {
                    var coverage = Math.Min(end, s + 1) - Math.Max(start, s);
                    if (coverage > 1e-9)
                    {
                        _weights[(t * _stride) + count++] = (float)(coverage / scale);
                    }
                    else if (count == 0)
                    {
                        first++;
                    }
                }

                First[t] = first;
                _counts[t] = count;
            }
        }

        public int[] First { get; }

        public ReadOnlySpan<float> WeightsOf(int target) => _weights.AsSpan(target * _stride, _counts[target]);
    }
}
