using System.ComponentModel.DataAnnotations;

namespace PullWorker.Worker.Decoding;

/// <summary>Limits on decoding job images (configuration section <c>Decoding</c>).</summary>
public sealed class ImageDecodingOptions
{
    public const string SectionName = "Decoding";

    /// <summary>
    /// The most pixels (width x height, read from the header before anything is decoded) an image may have; larger
    /// ones get <c>too_large</c>. Guards against decompression bombs: a few KB of PNG can claim gigapixels. Default
    /// 40,000,000 (a 40 MP photo, 160 MB while decoding).
    /// </summary>
    [Range(typeof(long), "1", "9223372036854775807", ErrorMessage = "Decoding:MaxImagePixels must be at least 1")]
    public long MaxImagePixels { get; set; } = 40_000_000;
}
