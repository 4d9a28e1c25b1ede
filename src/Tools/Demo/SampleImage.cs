using SkiaSharp;

namespace PullWorker.Tools.Demo;

/// <summary>One encoded sample image; <see cref="FileName"/> names it in job ids and in the inputs bucket.</summary>
public sealed record SampleImage(SamplePattern Pattern, SKEncodedImageFormat Format, int Width, int Height, byte[] Bytes)
{
    public string Extension => Format switch
    {
        SKEncodedImageFormat.Png => "png",
        SKEncodedImageFormat.Jpeg => "jpg",
        SKEncodedImageFormat.Webp => "webp",
        _ => throw new NotSupportedException($"no sample images in {Format}"),
    };

    /// <summary>The contract's <c>content-type</c> for a raw image message.</summary>
    public string ContentType => Format switch
    {
        SKEncodedImageFormat.Png => "image/png",
        SKEncodedImageFormat.Jpeg => "image/jpeg",
        SKEncodedImageFormat.Webp => "image/webp",
        _ => throw new NotSupportedException($"no sample images in {Format}"),
    };

    public string FileName => $"{Pattern.Name}.{Extension}";
}
