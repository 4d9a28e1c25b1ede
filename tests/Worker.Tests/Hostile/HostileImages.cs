using System.Buffers.Binary;
using System.IO.Compression;
using PullWorker.Worker.Tests.Decoding;
using SkiaSharp;

namespace PullWorker.Worker.Tests.Hostile;

/// <summary>Encoded images for the corpus, generated in memory: valid ones, broken ones and bombs.</summary>
internal static class HostileImages
{
    /// <summary>The side of the images the hostile pipelines take (uint8 [8, 8, 3]).</summary>
    public const int Side = 8;

    /// <summary>Width and height of <see cref="FlatGiant"/>: 16 MP, under the default 40 MP cap, 64 MB once decoded.</summary>
    public const int GiantSide = 4000;

    private static readonly Lazy<byte[]> s_flatGiant = new(() => FlatPng(GiantSide, GiantSide));

    /// <summary>
    /// A 16-megapixel flat grey PNG of about 50 KB: a decompression bomb the limits let through, which the worker must
    /// decode (64 MB of pixels) and still answer correctly. Made once; every case shares it.
    /// </summary>
    public static byte[] FlatGiant => s_flatGiant.Value;

    /// <summary>A small valid image with random pixels, PNG or JPEG.</summary>
    public static byte[] Noise(Random random, int side, SKEncodedImageFormat format)
    {
        var colors = new SKColor[side * side];
        for (var i = 0; i < colors.Length; i++)
        {
            colors[i] = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
        }

        return TestImages.Encode(side, side, format, (x, y) => colors[(y * side) + x]);
    }

    /// <summary>A valid image cut short inside its pixel data.</summary>
    public static byte[] Truncated(Random random)
    {
        var format = random.Next(2) == 0 ? SKEncodedImageFormat.Png : SKEncodedImageFormat.Jpeg;
        var image = Noise(random, 64, format);
        return image[..(int)(image.Length * (0.4 + (random.NextDouble() * 0.3)))];
    }

    /// <summary>A header claiming far more pixels than the cap, with almost no data behind it.</summary>
    public static byte[] Bomb(Random random) => random.Next(3) switch
    {
        0 => TestImages.PngBomb(100_000, 100_000),
        1 => TestImages.PngBomb(20_000, 20_000),
        _ => TestImages.JpegBomb(65_500, 65_500),
    };

    /// <summary>Random bytes that start with no image signature.</summary>
    public static byte[] NotAnImage(Random random)
    {
        var bytes = new byte[random.Next(1, 2000)];
        random.NextBytes(bytes);
        bytes[0] = (byte)'#';
        return bytes;
    }

    // A hand-written PNG (8-bit RGB, every row filter 0, all pixels grey) so the test needs no 16 MP encode.
    private static byte[] FlatPng(int width, int height)
    {
        using var idat = new MemoryStream();
        using (var zlib = new ZLibStream(idat, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[1 + (width * 3)];
            Array.Fill(row, (byte)128, 1, width * 3);
            for (var y = 0; y < height; y++)
            {
                zlib.Write(row);
            }
        }

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;
        header[9] = 2;
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        WriteChunk(png, "IHDR", header);
        WriteChunk(png, "IDAT", idat.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream png, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        var typed = new byte[4 + data.Length];
        System.Text.Encoding.ASCII.GetBytes(type, typed);
        data.CopyTo(typed, 4);
        png.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(word, System.IO.Hashing.Crc32.HashToUInt32(typed));
        png.Write(word);
    }
}
