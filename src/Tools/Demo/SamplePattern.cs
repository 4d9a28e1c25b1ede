using SkiaSharp;

namespace PullWorker.Tools.Demo;

/// <summary>A picture defined by a colour per pixel, so it can be drawn at any size and its expected outputs reasoned about.</summary>
/// <param name="Name">Short name used in job ids, e.g. <c>solid-red</c>.</param>
/// <param name="Pixel">The colour at (x, y) of a width x height image.</param>
public sealed record SamplePattern(string Name, Func<int, int, int, int, SKColor> Pixel)
{
    /// <summary>The pattern as RGB bytes, row-major [height, width, 3]: the worker's image tensor layout.</summary>
    public byte[] RenderRgb(int width, int height)
    {
        var rgb = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var colour = Pixel(x, y, width, height);
                var offset = ((y * width) + x) * 3;
                rgb[offset] = colour.Red;
                rgb[offset + 1] = colour.Green;
                rgb[offset + 2] = colour.Blue;
            }
        }

        return rgb;
    }

    /// <summary>The pattern encoded as PNG, JPEG or WebP.</summary>
    public byte[] Encode(int width, int height, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, Pixel(x, y, width, height));
            }
        }

        using var data = bitmap.Encode(format, quality: 90)
            ?? throw new InvalidOperationException($"SkiaSharp cannot encode {format}");
        return data.ToArray();
    }
}
