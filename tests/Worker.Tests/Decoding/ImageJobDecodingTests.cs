using PullWorker.Inference.Tensors;
using PullWorker.Jobs;
using SkiaSharp;
using static PullWorker.Worker.Tests.Decoding.DecoderEnvironment;

namespace PullWorker.Worker.Tests.Decoding;

public sealed class ImageJobDecodingTests
{
    private static int s_objectNumber;

    [TestCase(SKEncodedImageFormat.Png, "image/png")]
    [TestCase(SKEncodedImageFormat.Jpeg, "image/jpeg")]
    [TestCase(SKEncodedImageFormat.Webp, "image/webp")]
    [CancelAfter(30_000)]
    public async Task DecodeAsync_RawImage_FeedsThePipelinesImageInput(SKEncodedImageFormat format, string contentType, CancellationToken cancellationToken)
    {
        var encoded = TestImages.Solid(new SKColor(10, 200, 30), 100, 60, format);

        var result = await DecoderFor(ImagePipeline).DecodeAsync(Raw(encoded, contentType), cancellationToken);

        var image = result.Item!.Inputs["image"];
        Assert.Multiple(() =>
        {
            Assert.That(image.DataType, Is.EqualTo(TensorDataType.UInt8));
            Assert.That(image.Shape, Is.EqualTo(new long[] { ImageHeight, ImageWidth, 3 }));
            Assert.That(image.AsSpan<byte>()[..3].ToArray(), Is.EqualTo(new byte[] { 10, 200, 30 }).Within(3));
            Assert.That(ImagePipeline.Validate(result.Item), Is.Null);
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task DecodeAsync_JsonImage_RunsThroughThePipeline(CancellationToken cancellationToken)
    {
        var png = TestImages.Solid(SKColors.Red, 50, 50);
        var job = Json("{\"inputs\":{\"image\":{\"image\":{\"b64\":\"" + Convert.ToBase64String(png) + "\"}}}}");

        var decoded = await DecoderFor(ImagePipeline).DecodeAsync(job, cancellationToken);
        var inferred = await ImagePipeline.InferAsync(decoded.Item!, cancellationToken);

        // The demo model's mean colour of a red image, after the device-side scaling to [0, 1].
        Assert.That(inferred.Outputs!["mean_rgb"].AsSpan<float>().ToArray(), Is.EqualTo(new[] { 1f, 0f, 0f }).Within(1e-5f));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task DecodeAsync_ImageAndTensor_DecodesBoth(CancellationToken cancellationToken)
    {
        var png = TestImages.Solid(SKColors.Blue, 16, 16);
        var job = Json("{\"inputs\":{\"x\":{\"dtype\":\"float32\",\"shape\":[4],\"data\":[1,2,3,4]},\"pixels\":{\"image\":{\"b64\":\""
            + Convert.ToBase64String(png) + "\"}}}}");

        var result = await DecoderFor(ImageAndTensor).DecodeAsync(job, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(result.Item!.Inputs["x"].AsSpan<float>().ToArray(), Is.EqualTo(new[] { 1f, 2f, 3f, 4f }));
            Assert.That(result.Item.Inputs["pixels"].Shape, Is.EqualTo(new long[] { 8, 8, 3 }));
            Assert.That(ImageAndTensor.Validate(result.Item), Is.Null);
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task DecodeAsync_RawImageForAPipelineWithMoreInputs_ReturnsMissingInput(CancellationToken cancellationToken)
    {
        var result = await DecoderFor(ImageAndTensor).DecodeAsync(Raw(TestImages.Solid(SKColors.Red, 8, 8)), cancellationToken);

        Assert.That(
            result.Error,
            Is.EqualTo(new JobError(JobErrorCode.MissingInput, "input 'x' is missing (a raw image message supplies only 'pixels'; send a JSON job)")));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task DecodeAsync_RawImageForTwoImageInputs_ReturnsUnknownInput(CancellationToken cancellationToken)
    {
        var result = await DecoderFor(TwoImages).DecodeAsync(Raw(TestImages.Solid(SKColors.Red, 8, 8)), cancellationToken);

        Assert.That(
            result.Error,
            Is.EqualTo(new JobError(
                JobErrorCode.UnknownInput,
                "a raw image message needs a pipeline with a single image input; this one has 2 (left, right); send a JSON job naming the input")));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task DecodeAsync_Garbage_ReturnsDecodeFailed(CancellationToken cancellationToken)
    {
        var result = await DecoderFor(ImagePipeline).DecodeAsync(Raw("GIF89a? no"u8.ToArray()), cancellationToken);

        Assert.That(
            result.Error,
            Is.EqualTo(new JobError(JobErrorCode.DecodeFailed, "input 'image': the data is not a JPEG, PNG or WebP image (it starts with 4749463839613F20)")));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task DecodeAsync_Bomb_ReturnsTooLarge(CancellationToken cancellationToken)
    {
        var result = await DecoderFor(ImagePipeline).DecodeAsync(Raw(TestImages.PngBomb(50_000, 50_000)), cancellationToken);

        Assert.That(result.Error?.Code, Is.EqualTo(JobErrorCode.TooLarge));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task DecodeAsync_GsImage_IsFetchedAndDecoded(CancellationToken cancellationToken)
    {
        var uri = await UploadAsync(TestImages.Solid(SKColors.Yellow, 64, 64, SKEncodedImageFormat.Jpeg), cancellationToken);

        var result = await DecoderFor(ImagePipeline).DecodeAsync(ImageJob(uri), cancellationToken);

        Assert.That(result.Item!.Inputs["image"].AsSpan<byte>()[..3].ToArray(), Is.EqualTo(new byte[] { 255, 255, 0 }).Within(3));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task DecodeAsync_MissingGsImage_ReturnsInputNotFound(CancellationToken cancellationToken)
    {
        var result = await DecoderFor(ImagePipeline).DecodeAsync(ImageJob($"gs://{InputBucket}/nothing-here.png"), cancellationToken);

        Assert.That(
            result.Error,
            Is.EqualTo(new JobError(JobErrorCode.InputNotFound, $"input 'image': gs://{InputBucket}/nothing-here.png does not exist")));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task DecodeAsync_GsImageOutsideTheAllowedBuckets_ReturnsInputForbidden(CancellationToken cancellationToken)
    {
        var result = await DecoderFor(ImagePipeline).DecodeAsync(ImageJob("gs://someone-elses-bucket/cat.png"), cancellationToken);

        Assert.That(
            result.Error,
            Is.EqualTo(new JobError(
                JobErrorCode.InputForbidden, $"input 'image': bucket 'someone-elses-bucket' is not in Worker:InputBuckets (allowed: {InputBucket})")));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task DecodeAsync_GsImageThatIsNotAnImage_ReturnsDecodeFailed(CancellationToken cancellationToken)
    {
        var uri = await UploadAsync("%PDF-1.7 not an image"u8.ToArray(), cancellationToken);

        var result = await DecoderFor(ImagePipeline).DecodeAsync(ImageJob(uri), cancellationToken);

        Assert.That(result.Error?.Code, Is.EqualTo(JobErrorCode.DecodeFailed));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task DecodeAsync_StorageUnavailable_Throws(CancellationToken cancellationToken)
    {
        var uri = await UploadAsync(TestImages.Solid(SKColors.Red, 8, 8), cancellationToken);
        StorageServer.Faults.FailNext(1, 503);
        try
        {
            Assert.That(
                async () => await DecoderFor(ImagePipeline).DecodeAsync(ImageJob(uri), cancellationToken),
                Throws.InstanceOf<Google.GoogleApiException>().With.Property(nameof(Google.GoogleApiException.HttpStatusCode)).EqualTo(System.Net.HttpStatusCode.ServiceUnavailable));
        }
        finally
        {
            StorageServer.Faults.Reset();
        }
    }

    /// <summary>
    /// Only decoding takes one of the per-core slots; a download waits on the network, so more downloads than cores
    /// are in flight (up to <c>Storage:FetchConcurrency</c>), or a 4-core VM would fetch 4 images at a time.
    /// </summary>
    [Test]
    [CancelAfter(30_000)]
    public async Task DecodeAsync_ManyGsImages_DownloadMoreAtOnceThanThereAreCores(CancellationToken cancellationToken)
    {
        var jobs = Environment.ProcessorCount * 4;
        var uris = new List<string>();
        for (var i = 0; i < jobs; i++)
        {
            uris.Add(await UploadAsync(TestImages.Solid(SKColors.Green, 16, 16), cancellationToken));
        }

        var decoder = DecoderFor(ImagePipeline);
        StorageServer.Faults.Latency = TimeSpan.FromMilliseconds(200);
        StorageServer.ResetPeakRequestsInFlight();
        try
        {
            var results = await Task.WhenAll(uris.Select(uri => decoder.DecodeAsync(ImageJob(uri), cancellationToken).AsTask()));

            Assert.Multiple(() =>
            {
                Assert.That(results.Select(r => r.Error), Is.All.Null);
                Assert.That(StorageServer.PeakRequestsInFlight, Is.GreaterThan(Environment.ProcessorCount));
            });
        }
        finally
        {
            StorageServer.Faults.Reset();
        }
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task DecodeAsync_BadTensorBesideAGsImage_FailsWithoutFetching(CancellationToken cancellationToken)
    {
        var job = Json(
            "{\"inputs\":{\"pixels\":{\"image\":{\"uri\":\"gs://" + InputBucket + "/never-read.png\"}},"
            + "\"x\":{\"dtype\":\"float32\",\"shape\":[5],\"data\":[1,2,3,4,5]}}}");
        var requestsBefore = StorageServer.RequestCount;

        var result = await DecoderFor(ImageAndTensor).DecodeAsync(job, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(result.Error?.Code, Is.EqualTo(JobErrorCode.InvalidTensor));
            Assert.That(StorageServer.RequestCount, Is.EqualTo(requestsBefore));
        });
    }

    private static Jobs.Parsing.ParsedJob ImageJob(string uri) =>
        Json("{\"inputs\":{\"image\":{\"image\":{\"uri\":\"" + uri + "\"}}}}");

    private static async Task<string> UploadAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        var uri = new GcsUri(InputBucket, $"images/{Interlocked.Increment(ref s_objectNumber)}.bin");
        await StorageClient.UploadObjectAsync(uri.Bucket, uri.ObjectName, null, new MemoryStream(bytes), cancellationToken: cancellationToken);
        return uri.ToString();
    }
}
