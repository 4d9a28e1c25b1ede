using System.Globalization;
using PullWorker.Jobs;
using SkiaSharp;

namespace PullWorker.Worker.Decoding;

/// <summary>
/// Decodes JPEG, PNG and WebP with SkiaSharp into the pixels the image preprocessing stage takes: uint8 RGB,
/// <c>[height, width, 3]</c>, row-major. Stateless and thread-safe; every call owns its native buffers and frees them
/// before returning, so many decodes can run at once on the CPU.
/// </summary>
/// <remarks>
/// Resize policy: the image is stretched to exactly the configured width x height (aspect ratio not kept, nothing
/// cropped), with high-quality sampling: area averaging when shrinking (<see cref="AreaResampler"/>), so fine detail
/// averages instead of aliasing, and Mitchell bicubic when enlarging in either direction. JPEG and WebP are first
/// decoded at a reduced scale when that still leaves at least the target size (the codec's own downscaling, far
/// cheaper than decoding every pixel). Alpha is dropped, not composited (as PIL's <c>convert("RGB")</c> does); EXIF orientation is not applied.
/// </remarks>
public sealed class ImageDecoder
{
    private readonly long _maxPixels;

    public ImageDecoder(ImageDecodingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxImagePixels, $"{ImageDecodingOptions.SectionName}:{nameof(options.MaxImagePixels)}");
        _maxPixels = options.MaxImagePixels;
    }

    /// <param name="inputName">The job's input name, for error messages.</param>
    /// <param name="encoded">The encoded image.</param>
    /// <param name="width">Target width in pixels.</param>
    /// <param name="height">Target height in pixels.</param>
    public DecodedImage Decode(string inputName, ReadOnlySpan<byte> encoded, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (encoded.IsEmpty)
        {
            return Failed(JobErrorCode.DecodeFailed, inputName, "the image is empty (0 bytes)");
        }

        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            return Failed(
                JobErrorCode.DecodeFailed, inputName, $"the data is not a JPEG, PNG or WebP image (it starts with {Convert.ToHexString(encoded[..Math.Min(encoded.Length, 8)])})");
        }

        if (FormatName(codec.EncodedFormat) is not { } format)
        {
            return Failed(
                JobErrorCode.DecodeFailed, inputName, $"{codec.EncodedFormat.ToString().ToUpperInvariant()} images are not supported; send JPEG, PNG or WebP");
        }

        // The header's dimensions, checked before a single pixel is decoded.
        var source = codec.Info;
        var pixels = (long)source.Width * source.Height;
        if (pixels > _maxPixels)
        {
            return Failed(
                JobErrorCode.TooLarge,
                inputName,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"the {format} image is {source.Width}x{source.Height} ({pixels} pixels); at most {_maxPixels} are decoded ({ImageDecodingOptions.SectionName}:{nameof(ImageDecodingOptions.MaxImagePixels)})"));
        }

        var decodedSize = DecodedSize(codec, width, height);
        using var decoded = new SKBitmap(new SKImageInfo(decodedSize.Width, decodedSize.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var result = codec.GetPixels(decoded.Info, decoded.GetPixels());
        if (result != SKCodecResult.Success)
        {
            return Failed(
                JobErrorCode.DecodeFailed,
                inputName,
                result == SKCodecResult.IncompleteInput
                    ? $"the {format} image is truncated"
                    : $"the {format} image is corrupt ({result})");
        }

        return new DecodedImage(Resize(decoded, width, height), null);
    }

    // The smallest size the codec can decode to directly that is still at least the target in both directions.
    private static SKSizeI DecodedSize(SKCodec codec, int width, int height)
    {
        var source = codec.Info.Size;
        var scale = Math.Max((float)width / source.Width, (float)height / source.Height);
        if (scale >= 1f)
        {
            return source;
        }

        var scaled = codec.GetScaledDimensions(scale);
        return scaled.Width >= width && scaled.Height >= height ? scaled : source;
    }

    private static byte[] Resize(SKBitmap decoded, int width, int height)
    {
        if (decoded.Width == width && decoded.Height == height)
        {
            return ToRgb(decoded.GetPixelSpan(), width, height, decoded.RowBytes);
        }

        if (width <= decoded.Width && height <= decoded.Height)
        {
            var rgb = GC.AllocateUninitializedArray<byte>(width * height * 3);
            AreaResampler.Shrink(decoded.GetPixelSpan(), decoded.Width, decoded.Height, decoded.RowBytes, rgb, width, height);
            return rgb;
        }

        // Enlarging in at least one direction. Reinterpreting the unpremultiplied pixels as opaque drops alpha
        // without touching the colour values.
        using var source = new SKPixmap(decoded.Info.WithAlphaType(SKAlphaType.Opaque), decoded.GetPixels(), decoded.RowBytes);
        using var target = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var targetPixels = target.PeekPixels())
        {
            source.ScalePixels(targetPixels, new SKSamplingOptions(SKCubicResampler.Mitchell));
        }

        return ToRgb(target.GetPixelSpan(), width, height, target.RowBytes);
    }

    private static byte[] ToRgb(ReadOnlySpan<byte> rgba, int width, int height, int rowBytes)
    {
        var rgb = GC.AllocateUninitializedArray<byte>(width * height * 3);
        var output = 0;
        for (var y = 0; y < height; y++)
        {
            var row = rgba.Slice(y * rowBytes, width * 4);
            for (var x = 0; x < row.Length; x += 4)
            {
                rgb[output] = row[x];
                rgb[output + 1] = row[x + 1];
                rgb[output + 2] = row[x + 2];
                output += 3;
            }
        }

        return rgb;
    }

    private static string? FormatName(SKEncodedImageFormat format) => format switch
    {
        SKEncodedImageFormat.Jpeg => "JPEG",
        SKEncodedImageFormat.Png => "PNG",
        SKEncodedImageFormat.Webp => "WebP",
        _ => null,
    };

    private static DecodedImage Failed(JobErrorCode code, string inputName, string problem) =>
        new(null, new JobError(code, $"input '{inputName}': {problem}"));
}
