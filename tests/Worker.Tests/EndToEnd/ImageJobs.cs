using System.Text.Json.Nodes;
using Google.Cloud.PubSub.V1;
using Google.Protobuf;
using PullWorker.Jobs;
using PullWorker.Worker.Decoding;
using SkiaSharp;

namespace PullWorker.Worker.Tests.EndToEnd;

/// <summary>
/// Image jobs for the demo model behind the built-in image preprocessing: inline (<c>b64</c>), <c>gs://</c> from
/// the inputs bucket and raw image messages, in JPEG, PNG and WebP of several sizes, about one in twenty malformed.
/// </summary>
internal sealed class ImageJobs
{
    /// <summary>The pipeline's image size (<c>Pipeline:Image:Width/Height</c>).</summary>
    public const int Size = 32;

    private static readonly (SKEncodedImageFormat Format, string Extension, string ContentType, int Width, int Height)[] Kinds =
    [
        (SKEncodedImageFormat.Png, "png", "image/png", 32, 32),
        (SKEncodedImageFormat.Jpeg, "jpg", "image/jpeg", 64, 48),
        (SKEncodedImageFormat.Webp, "webp", "image/webp", 40, 40),
        (SKEncodedImageFormat.Png, "png", "image/png", 20, 30),
    ];

    private readonly List<(string Name, string ContentType, byte[] Encoded, byte[] Pixels)> _images = [];

    /// <summary><paramref name="count"/> distinct images; their objects are uploaded by <see cref="UploadAsync"/>.</summary>
    public ImageJobs(int count)
    {
        var decoder = new ImageDecoder(new ImageDecodingOptions());
        for (var i = 0; i < count; i++)
        {
            var (format, extension, contentType, width, height) = Kinds[i % Kinds.Length];
            var encoded = Draw(i, width, height, format);

            // What the worker hands the pipeline is defined by its decoder; the model run is what is checked here.
            var decoded = decoder.Decode("image", encoded, Size, Size);
            _images.Add(($"images/{i:D3}.{extension}", contentType, encoded, decoded.Rgb ?? throw new InvalidOperationException(decoded.Error?.Message)));
        }
    }

    public async Task UploadAsync(LocalDeployment deployment, CancellationToken cancellationToken)
    {
        foreach (var image in _images)
        {
            await deployment.UploadAsync(LocalDeployment.InputsBucket, image.Name, image.Encoded, image.ContentType, cancellationToken);
        }
    }

    /// <summary><paramref name="count"/> jobs cycling through the three forms; every twentieth is malformed.</summary>
    public List<JobCase> Create(int count) =>
        [.. Enumerable.Range(0, count).Select(i => i % 20 == 19 ? Malformed(i / 20, $"image/{i:D5}") : WellFormed(i, $"image/{i:D5}"))];

    private JobCase WellFormed(int i, string id)
    {
        var image = _images[i % _images.Count];
        var pixels = new ReferenceInput("pixels", ToPlanarFloats(image.Pixels), [1, 3, Size, Size]);
        return (i % 3) switch
        {
            0 => JobCase.Ok(ImageJob(id, new JsonObject { ["b64"] = Convert.ToBase64String(image.Encoded) }), id, pixels),
            1 => JobCase.Ok(ImageJob(id, new JsonObject { ["uri"] = $"gs://{LocalDeployment.InputsBucket}/{image.Name}" }), id, pixels),
            _ => JobCase.Ok(Raw(image.Encoded, image.ContentType, id), id, pixels),
        };
    }

    private JobCase Malformed(int kind, string id) => (kind % 7) switch
    {
        0 => JobCase.Failing(ImageJob(id, new JsonObject { ["b64"] = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes("not an image at all")) }), id, JobErrorCode.DecodeFailed),
        1 => JobCase.Failing(ImageJob(id, new JsonObject { ["uri"] = $"gs://{LocalDeployment.InputsBucket}/images/missing.png" }), id, JobErrorCode.InputNotFound),
        2 => JobCase.Failing(ImageJob(id, new JsonObject { ["uri"] = "gs://someone-elses-bucket/images/000.png" }), id, JobErrorCode.InputForbidden),
        3 => JobCase.Failing(Raw(_images[0].Encoded.AsSpan(0, 40).ToArray(), "image/png", id), id, JobErrorCode.DecodeFailed),
        4 => JobCase.Failing(Raw(_images[1].Encoded, "image/jpeg", "bad//id"), null, JobErrorCode.InvalidId),
        5 => JobCase.Failing(
            Json(new JsonObject { ["id"] = id, ["inputs"] = new JsonObject { ["picture"] = new JsonObject { ["image"] = new JsonObject { ["uri"] = "gs://inputs/images/000.png" } } } }),
            id,
            JobErrorCode.UnknownInput),
        _ => JobCase.Failing(ImageJob(id, new JsonObject { ["b64"] = "@@@ not base64 @@@" }), id, JobErrorCode.DecodeFailed),
    };

    /// <summary>Pixels as the image stage gives them to the model: [3, H, W] floats, each byte times 1/255.</summary>
    private static float[] ToPlanarFloats(byte[] rgb)
    {
        var planar = new float[rgb.Length];
        var plane = Size * Size;
        for (var p = 0; p < plane; p++)
        {
            for (var c = 0; c < 3; c++)
            {
                planar[(c * plane) + p] = rgb[(p * 3) + c] * (1f / 255f);
            }
        }

        return planar;
    }

    /// <summary>A gradient with a few sharp stripes, different for each index, so outputs differ between images.</summary>
    private static byte[] Draw(int index, int width, int height, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var stripe = (x + (index * 3)) % (5 + (index % 4)) == 0 ? 120 : 0;
                bitmap.SetPixel(x, y, new SKColor(
                    (byte)Math.Min(255, (x * 255 / width) + stripe),
                    (byte)((y * 255 / height) ^ (index * 37)),
                    (byte)((index * 53) + (x * y % 64))));
            }
        }

        using var data = bitmap.Encode(format, 90);
        return data.ToArray();
    }

    private static PubsubMessage ImageJob(string id, JsonObject image) =>
        Json(new JsonObject { ["id"] = id, ["inputs"] = new JsonObject { ["image"] = new JsonObject { ["image"] = image } } });

    private static PubsubMessage Json(JsonObject job) => new() { Data = ByteString.CopyFromUtf8(job.ToJsonString()) };

    private static PubsubMessage Raw(byte[] encoded, string contentType, string jobId) => new()
    {
        Data = ByteString.CopyFrom(encoded),
        Attributes = { ["content-type"] = contentType, ["job-id"] = jobId },
    };
}
