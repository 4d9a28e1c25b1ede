using PullWorker.Jobs;
using PullWorker.Worker.Decoding;
using SkiaSharp;

namespace PullWorker.Worker.Tests.Decoding;

public sealed class ImageDecoderTests
{
    private readonly ImageDecoder _decoder = new(new ImageDecodingOptions());

    [Test]
    public void Decode_PngOfTheTargetSize_ReturnsItsPixelsAsRgb()
    {
        var png = TestImages.Encode(3, 2, SKEncodedImageFormat.Png, (x, y) => new SKColor((byte)(x * 100), (byte)(y * 100), 7));

        var decoded = _decoder.Decode("image", png, width: 3, height: 2);

        Assert.That(decoded.Rgb, Is.EqualTo(new byte[]
        {
            0, 0, 7, 100, 0, 7, 200, 0, 7,
            0, 100, 7, 100, 100, 7, 200, 100, 7,
        }));
    }

    [TestCase(SKEncodedImageFormat.Png, 0)]
    [TestCase(SKEncodedImageFormat.Jpeg, 3)]
    [TestCase(SKEncodedImageFormat.Webp, 3)]
    public void Decode_EachFormat_ResizesToTheTargetSize(SKEncodedImageFormat format, int tolerance)
    {
        var encoded = TestImages.Solid(new SKColor(200, 40, 90), 64, 48, format);

        var decoded = _decoder.Decode("image", encoded, width: 20, height: 10);

        Assert.Multiple(() =>
        {
            Assert.That(decoded.Rgb, Has.Length.EqualTo(20 * 10 * 3));
            Assert.That(Channel(decoded.Rgb!, 0), Is.All.InRange(200 - tolerance, 200 + tolerance));
            Assert.That(Channel(decoded.Rgb!, 1), Is.All.InRange(40 - tolerance, 40 + tolerance));
            Assert.That(Channel(decoded.Rgb!, 2), Is.All.InRange(90 - tolerance, 90 + tolerance));
        });
    }

    [Test]
    public void Decode_OtherAspectRatio_StretchesWithoutCropping()
    {
        var png = TestImages.Halves(SKColors.Red, SKColors.Blue, width: 200, height: 50);

        var rgb = _decoder.Decode("image", png, width: 10, height: 10).Rgb!;

        // Stretched, the left half of every row is red and the right half blue; a crop would lose the halves.
        Assert.Multiple(() =>
        {
            Assert.That(Pixel(rgb, 10, x: 0, y: 0), Is.EqualTo((255, 0, 0)));
            Assert.That(Pixel(rgb, 10, x: 3, y: 9), Is.EqualTo((255, 0, 0)));
            Assert.That(Pixel(rgb, 10, x: 6, y: 0), Is.EqualTo((0, 0, 255)));
            Assert.That(Pixel(rgb, 10, x: 9, y: 9), Is.EqualTo((0, 0, 255)));
        });
    }

    [Test]
    public void Decode_ShrinkingFineDetail_AveragesInsteadOfAliasing()
    {
        var png = TestImages.Checkerboard(250);

        var rgb = _decoder.Decode("image", png, width: 16, height: 16).Rgb!;

        // Point or plain bilinear sampling of a 1-pixel checkerboard gives black, white or moire; averaging gives grey.
        Assert.That(rgb, Is.All.InRange(112, 144));
    }

    [Test]
    public void Decode_Enlarging_KeepsFlatAreasExact()
    {
        var png = TestImages.Halves(SKColors.Lime, SKColors.Yellow, width: 4, height: 4);

        var rgb = _decoder.Decode("image", png, width: 16, height: 16).Rgb!;

        Assert.Multiple(() =>
        {
            Assert.That(Pixel(rgb, 16, x: 0, y: 0), Is.EqualTo((0, 255, 0)));
            Assert.That(Pixel(rgb, 16, x: 15, y: 15), Is.EqualTo((255, 255, 0)));
        });
    }

    [Test]
    public void Decode_TransparentPixels_KeepTheirColourWithoutAlpha()
    {
        var png = TestImages.Solid(new SKColor(255, 0, 0, 0), 4, 4);

        var rgb = _decoder.Decode("image", png, width: 4, height: 4).Rgb!;

        Assert.That(Pixel(rgb, 4, x: 1, y: 1), Is.EqualTo((255, 0, 0)));
    }

    [Test]
    public void Decode_Garbage_FailsNamingTheFirstBytes()
    {
        var decoded = _decoder.Decode("photo", "Garbage! not an image"u8, 8, 8);

        Assert.That(
            decoded.Error,
            Is.EqualTo(new JobError(JobErrorCode.DecodeFailed, "input 'photo': the data is not a JPEG, PNG or WebP image (it starts with 4761726261676521)")));
    }

    [Test]
    public void Decode_Empty_Fails()
    {
        var decoded = _decoder.Decode("photo", [], 8, 8);

        Assert.That(decoded.Error, Is.EqualTo(new JobError(JobErrorCode.DecodeFailed, "input 'photo': the image is empty (0 bytes)")));
    }

    [Test]
    public void Decode_TruncatedPng_Fails()
    {
        var png = TestImages.Checkerboard(64);

        var decoded = _decoder.Decode("photo", png.AsSpan(0, png.Length / 2), 8, 8);

        Assert.That(decoded.Error, Is.EqualTo(new JobError(JobErrorCode.DecodeFailed, "input 'photo': the PNG image is truncated")));
    }

    [Test]
    public void Decode_Gif_IsRefusedAsUnsupported()
    {
        var decoded = _decoder.Decode("photo", TestImages.Gif, 8, 8);

        Assert.That(decoded.Error, Is.EqualTo(new JobError(JobErrorCode.DecodeFailed, "input 'photo': GIF images are not supported; send JPEG, PNG or WebP")));
    }

    [Test]
    public void Decode_PngBomb_IsRefusedFromItsHeader()
    {
        var decoded = _decoder.Decode("photo", TestImages.PngBomb(100_000, 100_000), 8, 8);

        Assert.That(
            decoded.Error,
            Is.EqualTo(new JobError(
                JobErrorCode.TooLarge,
                "input 'photo': the PNG image is 100000x100000 (10000000000 pixels); at most 40000000 are decoded (Decoding:MaxImagePixels)")));
    }

    [Test]
    public void Decode_JpegBomb_IsRefusedFromItsHeader()
    {
        var decoded = _decoder.Decode("photo", TestImages.JpegBomb(60_000, 60_000), 8, 8);

        Assert.That(
            decoded.Error,
            Is.EqualTo(new JobError(
                JobErrorCode.TooLarge,
                "input 'photo': the JPEG image is 60000x60000 (3600000000 pixels); at most 40000000 are decoded (Decoding:MaxImagePixels)")));
    }

    [Test]
    public void Decode_ImageAtTheConfiguredLimit_IsDecoded()
    {
        var decoder = new ImageDecoder(new ImageDecodingOptions { MaxImagePixels = 64 * 48 });

        Assert.Multiple(() =>
        {
            Assert.That(decoder.Decode("i", TestImages.Solid(SKColors.Red, 64, 48), 8, 8).Succeeded, Is.True);
            Assert.That(decoder.Decode("i", TestImages.Solid(SKColors.Red, 65, 48), 8, 8).Error?.Code, Is.EqualTo(JobErrorCode.TooLarge));
        });
    }

    [Test]
    public void Decode_ManyAtOnce_GiveTheSamePixels()
    {
        var jpeg = TestImages.Encode(640, 480, SKEncodedImageFormat.Jpeg, (x, y) => new SKColor((byte)x, (byte)y, (byte)(x ^ y)));
        var expected = _decoder.Decode("image", jpeg, 32, 24).Rgb;

        var results = new byte[64][];
        Parallel.For(0, results.Length, i => results[i] = _decoder.Decode("image", jpeg, 32, 24).Rgb!);

        Assert.That(results, Is.All.EqualTo(expected));
    }

    private static IEnumerable<byte> Channel(byte[] rgb, int channel) => rgb.Where((_, i) => i % 3 == channel);

    private static (int R, int G, int B) Pixel(byte[] rgb, int width, int x, int y)
    {
        var i = ((y * width) + x) * 3;
        return (rgb[i], rgb[i + 1], rgb[i + 2]);
    }
}
