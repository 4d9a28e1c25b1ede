using SkiaSharp;

namespace PullWorker.Tools.Demo;

/// <summary>
/// The demo's pictures, chosen so the demo model's outputs can be checked by eye: flat colours (mean_rgb is the
/// colour, sharpness 0), gradients (a mean between the ends, sharpness near 0) and checkerboards and noise (sharpness
/// growing as the detail gets finer). Sizes differ from the model's 64 x 64 so the worker's resizing is exercised.
/// </summary>
public static class SampleImages
{
    public static IReadOnlyList<SamplePattern> Patterns { get; } =
    [
        Solid("solid-red", SKColors.Red),
        Solid("solid-green", new SKColor(0, 255, 0)),
        Solid("solid-blue", SKColors.Blue),
        Solid("solid-yellow", SKColors.Yellow),
        Solid("solid-white", SKColors.White),
        new("gradient-black-white", (x, _, w, _) => Grey((byte)(255 * x / Math.Max(1, w - 1)))),
        new("gradient-red-blue", (x, _, w, _) => Mix(SKColors.Red, SKColors.Blue, x / (float)Math.Max(1, w - 1))),
        Checkerboard("checker-1px", 1),
        Checkerboard("checker-4px", 4),
        Checkerboard("checker-16px", 16),
        new("noise", (x, y, _, _) => Grey(Hash(x, y))),
    ];

    /// <summary>Every pattern in PNG, JPEG and WebP; checkerboards and noise at the model's size so their detail survives.</summary>
    public static IReadOnlyList<SampleImage> Create()
    {
        SKEncodedImageFormat[] formats = [SKEncodedImageFormat.Png, SKEncodedImageFormat.Jpeg, SKEncodedImageFormat.Webp];
        return
        [
            .. from pattern in Patterns
               from format in formats
               let size = SizeOf(pattern)
               select new SampleImage(pattern, format, size.Width, size.Height, pattern.Encode(size.Width, size.Height, format)),
        ];
    }

    private static (int Width, int Height) SizeOf(SamplePattern pattern) =>
        pattern.Name.StartsWith("checker", StringComparison.Ordinal) || pattern.Name == "noise" ? (64, 64) : (120, 90);

    private static SamplePattern Solid(string name, SKColor colour) => new(name, (_, _, _, _) => colour);

    private static SamplePattern Checkerboard(string name, int square) =>
        new(name, (x, y, _, _) => ((x / square) + (y / square)) % 2 == 0 ? SKColors.Black : SKColors.White);

    private static SKColor Grey(byte level) => new(level, level, level);

    private static SKColor Mix(SKColor from, SKColor to, float t) => new(
        (byte)(from.Red + ((to.Red - from.Red) * t)),
        (byte)(from.Green + ((to.Green - from.Green) * t)),
        (byte)(from.Blue + ((to.Blue - from.Blue) * t)));

    /// <summary>Deterministic per-pixel noise (the same picture on every machine).</summary>
    private static byte Hash(int x, int y)
    {
        var h = unchecked(((uint)x * 73856093u) ^ ((uint)y * 19349663u));
        h ^= h >> 13;
        h = unchecked(h * 0x5bd1e995u);
        return (byte)(h >> 24);
    }
}
