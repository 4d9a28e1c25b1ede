using System.Buffers.Binary;
using SkiaSharp;

namespace PullWorker.Worker.Tests.Decoding;

/// <summary>Real encoded images made with SkiaSharp, and hand-made broken ones.</summary>
internal static class TestImages
{
    /// <summary>The smallest valid GIF (1x1): a real image in a format jobs may not use.</summary>
    public static readonly byte[] Gif = Convert.FromBase64String("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==");

    public static byte[] Solid(SKColor color, int width, int height, SKEncodedImageFormat format = SKEncodedImageFormat.Png) =>
        Encode(width, height, format, (x, y) => color);

    /// <summary>Left half <paramref name="left"/>, right half <paramref name="right"/>.</summary>
    public static byte[] Halves(SKColor left, SKColor right, int width, int height) =>
        Encode(width, height, SKEncodedImageFormat.Png, (x, y) => x < width / 2 ? left : right);

    /// <summary>Black and white pixels alternating: the worst case for aliasing when shrinking.</summary>
    public static byte[] Checkerboard(int size) =>
        Encode(size, size, SKEncodedImageFormat.Png, (x, y) => (x + y) % 2 == 0 ? SKColors.Black : SKColors.White);

    public static byte[] Encode(int width, int height, SKEncodedImageFormat format, Func<int, int, SKColor> colorAt)
    {
        // Pixels are written as bytes: SetPixel would premultiply, losing the colour of transparent pixels.
        var pixels = new byte[width * height * 4];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var color = colorAt(x, y);
                var i = ((y * width) + x) * 4;
                (pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3]) = (color.Red, color.Green, color.Blue, color.Alpha);
            }
        }

        using var image = SKImage.FromPixelCopy(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul), pixels);
        using var data = image.Encode(format, 95);
        return data.ToArray();
    }

    /// <summary>A valid PNG header claiming <paramref name="width"/> x <paramref name="height"/> pixels, with a few bytes of data.</summary>
    public static byte[] PngBomb(int width, int height)
    {
        var png = Solid(SKColors.Gray, 1, 1);

        // IHDR is the first chunk: 8-byte signature, 4-byte length, "IHDR", then width and height, then its CRC.
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), System.IO.Hashing.Crc32.HashToUInt32(png.AsSpan(12, 17)));
        return png;
    }

    /// <summary>A JPEG whose frame header (SOF) claims <paramref name="width"/> x <paramref name="height"/> pixels.</summary>
    public static byte[] JpegBomb(ushort width, ushort height)
    {
        var jpeg = Solid(SKColors.Gray, 8, 8, SKEncodedImageFormat.Jpeg);
        for (var i = 2; i < jpeg.Length - 9; i++)
        {
            if (jpeg[i] == 0xFF && jpeg[i + 1] is 0xC0 or 0xC2)
            {
                BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(i + 5), height);
                BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(i + 7), width);
                return jpeg;
            }
        }

        throw new InvalidOperationException("the encoder wrote no SOF marker");
    }
}
