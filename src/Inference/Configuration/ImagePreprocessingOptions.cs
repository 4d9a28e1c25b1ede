namespace PullWorker.Inference.Configuration;

/// <summary>
/// The built-in image preprocessing stage (<c>Pipeline:Image</c>): present = enabled. Decoded images arrive as
/// <c>uint8</c> [Height, Width, 3] and become float [3, Height, Width] on the device:
/// <c>(pixel * Scale - Mean[c]) / Std[c]</c>.
/// </summary>
public sealed class ImagePreprocessingOptions
{
    /// <summary>Image width the worker resizes to. Default 224.</summary>
    public int Width { get; set; } = 224;

    /// <summary>Image height the worker resizes to. Default 224.</summary>
    public int Height { get; set; } = 224;

    /// <summary>Multiplier applied to each byte first. Default 1/255 (pixels in [0, 1]).</summary>
    public float Scale { get; set; } = 1f / 255f;

    /// <summary>Per-channel (R, G, B) mean subtracted after scaling. Default [0, 0, 0].</summary>
    public float[]? Mean { get; set; }

    /// <summary>Per-channel (R, G, B) standard deviation divided by last. Default [1, 1, 1].</summary>
    public float[]? Std { get; set; }

    /// <summary>The pipeline input name jobs use for the image. Default <c>image</c>.</summary>
    public string Input { get; set; } = "image";

    /// <summary>The first model's input the float image feeds. Default: that model's only input.</summary>
    public string? Target { get; set; }

    internal IReadOnlyList<float> EffectiveMean => Mean ?? [0f, 0f, 0f];

    internal IReadOnlyList<float> EffectiveStd => Std ?? [1f, 1f, 1f];
}
