using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Google.Cloud.PubSub.V1;
using Google.Protobuf;
using PullWorker.Jobs;
using PullWorker.Jobs.Parsing;

namespace PullWorker.Tools.Demo;

/// <summary>
/// The demo's job mix: images by <c>gs://</c> URI, inline base64 images, raw image messages, uint8 tensors, and one
/// of each kind of malformed job spread among them.
/// </summary>
public static class DemoJobs
{
    /// <summary>The fewest jobs a demo can have: the malformed ones and a few good ones.</summary>
    public const int MinimumCount = 12;

    /// <param name="count">Jobs in total, at least <see cref="MinimumCount"/>.</param>
    /// <param name="samples">The sample images; the <c>gs://</c> jobs expect them under <see cref="DemoNames.SamplesPrefix"/>.</param>
    public static IReadOnlyList<DemoJob> Create(int count, IReadOnlyList<SampleImage> samples)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, MinimumCount);
        ArgumentOutOfRangeException.ThrowIfZero(samples.Count);
        var malformed = Malformed(samples[0]);
        var jobs = new List<DemoJob>(count);
        var spacing = count / malformed.Count;
        for (int i = 0, good = 0; jobs.Count < count; i++)
        {
            // Every spacing-th slot gets the next malformed job, so they arrive mixed in with the rest.
            jobs.Add(i % spacing == spacing - 1 && i / spacing < malformed.Count
                ? malformed[i / spacing]
                : Good(good++, samples));
        }

        return jobs;
    }

    private static DemoJob Good(int index, IReadOnlyList<SampleImage> samples)
    {
        // Consecutive jobs differ in kind, and each kind cycles through every sample.
        var sample = samples[(index / 4) % samples.Count];
        var number = index.ToString("D5", CultureInfo.InvariantCulture);
        return (index % 4) switch
        {
            0 => GcsJob($"gcs/{number}-{sample.FileName}", $"gs://{DemoNames.InputsBucket}/{DemoNames.SamplesPrefix}{sample.FileName}"),
            1 => InlineJob($"inline/{number}-{sample.FileName}", sample.Bytes),
            2 => RawJob($"raw/{number}-{sample.FileName}", sample.Bytes, sample.ContentType),
            _ => TensorJob($"tensor/{number}-{sample.Pattern.Name}", sample.Pattern.RenderRgb(DemoNames.ImageSize, DemoNames.ImageSize)),
        };
    }

    /// <summary>One job per way a job can be wrong by its own content, each with the error code it must get.</summary>
    private static IReadOnlyList<DemoJob> Malformed(SampleImage sample)
    {
        var tensor = sample.Pattern.RenderRgb(DemoNames.ImageSize, DemoNames.ImageSize);
        return
        [
            new("malformed/not-json", "malformed", new PubsubMessage { Data = ByteString.CopyFromUtf8("{\"id\": \"malformed/not-json\", \"inputs\": ") }, JobErrorCode.InvalidJson),
            new("../escape", "malformed", JsonJob("../escape", json => WriteImageUri(json, $"gs://{DemoNames.InputsBucket}/{DemoNames.SamplesPrefix}{sample.FileName}")), JobErrorCode.InvalidId),
            new("malformed/unknown-input", "malformed", JsonJob("malformed/unknown-input", json =>
            {
                WriteImageUri(json, $"gs://{DemoNames.InputsBucket}/{DemoNames.SamplesPrefix}{sample.FileName}");
                WriteTensor(json, "mask", "float32", [1], [0, 0, 0, 0]);
            }), JobErrorCode.UnknownInput),
            new("malformed/missing-input", "malformed", JsonJob("malformed/missing-input", _ => { }), JobErrorCode.MissingInput),
            new("malformed/wrong-shape", "malformed", JsonJob("malformed/wrong-shape", json =>
                WriteTensor(json, DemoNames.ImageInput, "uint8", [DemoNames.ImageSize / 2, DemoNames.ImageSize / 2, 3], tensor.AsSpan(0, tensor.Length / 4))),
                JobErrorCode.InvalidTensor),
            GcsJob("malformed/forbidden-bucket", $"gs://someone-elses-bucket/{sample.FileName}") with { Kind = "malformed", ExpectedError = JobErrorCode.InputForbidden },
            GcsJob("malformed/missing-object", $"gs://{DemoNames.InputsBucket}/{DemoNames.SamplesPrefix}no-such-image.png") with { Kind = "malformed", ExpectedError = JobErrorCode.InputNotFound },
            RawJob("malformed/garbage-image", "these bytes are not a PNG"u8.ToArray(), "image/png") with { Kind = "malformed", ExpectedError = JobErrorCode.DecodeFailed },
        ];
    }

    private static DemoJob GcsJob(string id, string uri) => new(id, "gcs", JsonJob(id, json => WriteImageUri(json, uri)));

    private static DemoJob InlineJob(string id, byte[] image) => new(id, "inline", JsonJob(id, json =>
    {
        json.WriteStartObject(DemoNames.ImageInput);
        json.WriteStartObject("image");
        json.WriteBase64String("b64", image);
        json.WriteEndObject();
        json.WriteEndObject();
    }));

    private static DemoJob RawJob(string id, byte[] image, string contentType) => new(id, "raw", new PubsubMessage
    {
        Data = ByteString.CopyFrom(image),
        Attributes = { [JobParser.ContentTypeAttribute] = contentType, [JobParser.JobIdAttribute] = id },
    });

    private static DemoJob TensorJob(string id, byte[] rgb) => new(id, "tensor", JsonJob(id, json =>
        WriteTensor(json, DemoNames.ImageInput, "uint8", [DemoNames.ImageSize, DemoNames.ImageSize, 3], rgb)));

    private static PubsubMessage JsonJob(string id, Action<Utf8JsonWriter> writeInputs)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteStartObject("inputs");
            writeInputs(json);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return new PubsubMessage { Data = ByteString.CopyFrom(buffer.WrittenSpan) };
    }

    private static void WriteImageUri(Utf8JsonWriter json, string uri)
    {
        json.WriteStartObject(DemoNames.ImageInput);
        json.WriteStartObject("image");
        json.WriteString("uri", uri);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteTensor(Utf8JsonWriter json, string name, string dtype, int[] shape, ReadOnlySpan<byte> bytes)
    {
        json.WriteStartObject(name);
        json.WriteString("dtype", dtype);
        json.WriteStartArray("shape");
        foreach (var dim in shape)
        {
            json.WriteNumberValue(dim);
        }

        json.WriteEndArray();
        json.WriteBase64String("b64", bytes);
        json.WriteEndObject();
    }
}
