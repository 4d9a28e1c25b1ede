using System.Buffers.Binary;
using System.Text;
using PullWorker.Jobs;
using SkiaSharp;
using static PullWorker.Worker.Tests.Hostile.JobJson;

namespace PullWorker.Worker.Tests.Hostile;

/// <summary>
/// Every kind of message the corpus holds, each tagged with the error code and message it must get. Jobs go to the
/// mixed pipeline (<c>x</c> int64 [4], <c>f</c> float32 [3], <c>image</c> uint8 [8, 8, 3]) unless they are raw
/// images, which go to the image-only pipeline.
/// </summary>
internal static class HostileKinds
{
    /// <summary>An object in the allowed input bucket that decodes; valid jobs may reference it.</summary>
    public const string ValidImageObject = "valid.png";

    /// <summary>An object in the allowed input bucket that is not an image.</summary>
    public const string TextObject = "notes.txt";

    /// <summary>An object in the allowed input bucket larger than the worker's <c>Storage:MaxInputBytes</c>.</summary>
    public const string LargeObject = "large.bin";

    /// <summary>A bucket that exists, holds a secret, and is not in <c>Worker:InputBuckets</c>.</summary>
    public const string PrivateBucket = "private-data";

    public const string SecretObject = "secret.png";

    /// <summary>What the raw pipeline's worker accepts at most (<c>Jobs:MaxMessageBytes</c>).</summary>
    public const int RawMaxMessageBytes = 1024 * 1024;

    private const string InputsBucket = LocalDeployment.InputsBucket;

    private static readonly string[] InvalidJson = ["invalid JSON"];

    public static IReadOnlyList<HostileKind> Valid { get; } =
    [
        new("valid_b64_image", true, (r, id) => ValidMixed("valid_b64_image", r, id, image: null)),
        new("valid_uri_image", true, (r, id) => ValidMixed("valid_uri_image", r, id, ImageUri($"gs://{InputsBucket}/{ValidImageObject}"))),
        new("valid_jpeg_b64_image", true, (r, id) => ValidMixed("valid_jpeg_b64_image", r, id, ImageB64(HostileImages.Noise(r, 13, SKEncodedImageFormat.Jpeg)))),
        new("valid_tensor_b64", true, (r, id) =>
        {
            var (x, sum) = RandomX(r);
            var bytes = new byte[32];
            for (var i = 0; i < 4; i++)
            {
                BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), x[i]);
            }

            var inputs = ValidInputs(r, x, HostileImages.Noise(r, 8, SKEncodedImageFormat.Png));
            inputs["x"] = TensorB64("int64", "[4]", Convert.ToBase64String(bytes));
            return Case("valid_tensor_b64", Job(id, inputs), id, null, [], sum);
        }),
        new("valid_float_nan", true, (r, id) =>
        {
            var (x, sum) = RandomX(r);
            var inputs = ValidInputs(r, x, HostileImages.Noise(r, 8, SKEncodedImageFormat.Png));
            inputs["f"] = Tensor("float32", "[3]", """["NaN","Infinity",1.5]""");
            return Case("valid_float_nan", Job(id, inputs), id, null, [], sum);
        }),
        new("valid_content_type_params", true, (r, id) => ValidMixed("valid_content_type_params", r, id, image: null) with
        {
            Attributes = new Dictionary<string, string> { ["content-type"] = "Application/JSON; charset=utf-8" },
        }),
        new("valid_no_id", true, (r, _) => ValidMixed("valid_no_id", r, id: null, image: null)),
        new("valid_raw_png", true, (r, id) => Raw("valid_raw_png", "image/png", HostileImages.Noise(r, 8 + r.Next(40), SKEncodedImageFormat.Png), id, null, [])),
        new("valid_raw_jpeg", true, (r, id) => Raw("valid_raw_jpeg", "image/jpeg", HostileImages.Noise(r, 8 + r.Next(40), SKEncodedImageFormat.Jpeg), id, null, [])),
    ];

    /// <summary>A 16 MP PNG of ~50 KB that the limits allow: it must decode, once per 500 cases.</summary>
    public static HostileKind FlatGiant { get; } = new("valid_raw_flat_giant", true, (_, id) =>
        Raw("valid_raw_flat_giant", "image/png", HostileImages.FlatGiant, id, null, []));

    /// <summary>Ten megabytes of <c>[</c> inside a tensor's data, once per 500 cases.</summary>
    public static HostileKind DeepNesting { get; } = new("nesting_10mb", false, (_, id) =>
        Case("nesting_10mb", Nested(id, 9_990_000), id, JobErrorCode.InvalidJson, ["depth"]));

    /// <summary>Ten megabytes of nothing but <c>[</c>, once per 500 cases.</summary>
    public static HostileKind BareNesting { get; } = new("nesting_10mb_bare", false, (_, _) =>
        Case("nesting_10mb_bare", new string('[', 9_990_000), null, JobErrorCode.InvalidJson, ["must be a JSON object"]));

    public static IReadOnlyList<HostileKind> Malformed { get; } =
    [
        // Syntax.
        new("truncated_json", false, (r, id) =>
        {
            var json = ValidMixedJson(r, id, idLast: true);
            var cut = r.Next(1, json.IndexOf("\"id\":", StringComparison.Ordinal));
            return Case("truncated_json", json[..cut], null, JobErrorCode.InvalidJson, InvalidJson);
        }),
        new("truncated_json_named", false, (r, id) =>
        {
            var json = ValidMixedJson(r, id, idLast: false);
            var idEnd = Str(id).Length + 6;
            return Case("truncated_json_named", json[..r.Next(idEnd + 1, json.Length - 1)], id, JobErrorCode.InvalidJson, InvalidJson);
        }),
        new("garbage_bytes", false, (r, _) =>
        {
            var bytes = new byte[r.Next(1, 5000)];
            r.NextBytes(bytes);
            bytes[0] = (byte)"<@#\0\u00ff"[r.Next(5)];
            return new HostileCase("garbage_bytes", HostileTarget.Mixed, bytes, null, null, JobErrorCode.InvalidJson, InvalidJson);
        }),
        new("not_an_object", false, (r, _) =>
            Case("not_an_object", new[] { "[1,2]", "\"job\"", "42", "null", "true" }[r.Next(5)], null, JobErrorCode.InvalidJson, ["must be a JSON object"])),
        new("empty_message", false, (_, _) => new HostileCase(
            "empty_message", HostileTarget.Mixed, [], new Dictionary<string, string> { ["content-type"] = "application/json" }, null, JobErrorCode.InvalidJson, ["empty"])),
        new("trailing_content", false, (r, id) =>
            Case("trailing_content", ValidMixedJson(r, id) + new[] { " x", "{}", ",", "]" }[r.Next(4)], id, JobErrorCode.InvalidJson, InvalidJson)),
        new("comments", false, (r, id) =>
            Case("comments", ValidMixedJson(r, id).Insert(1, "/* hi */"), null, JobErrorCode.InvalidJson, InvalidJson)),
        new("unknown_field", false, (r, id) =>
            Case("unknown_field", ValidMixedJson(r, id)[..^1] + ",\"priority\":1}", id, JobErrorCode.InvalidJson, ["unknown field"])),
        new("duplicate_key", false, (r, id) =>
            Case("duplicate_key", ValidMixedJson(r, id)[..^1] + ",\"id\":\"other\"}", id, JobErrorCode.InvalidJson, ["two 'id' fields"])),
        new("no_inputs", false, (_, id) => Case("no_inputs", $$"""{"id":{{Str(id)}}}""", id, JobErrorCode.InvalidJson, ["no 'inputs'"])),
        new("invalid_utf8", false, (r, id) =>
        {
            var json = Utf8(ValidMixedJson(r, "placeholder/" + id));
            json[8] = 0xFF;
            return new HostileCase("invalid_utf8", HostileTarget.Mixed, json, null, null, JobErrorCode.InvalidJson, ["UTF-8", "invalid JSON"]);
        }),

        // Wrong types.
        new("inputs_wrong_type", false, (r, id) => Case(
            "inputs_wrong_type", $$"""{"id":{{Str(id)}},"inputs":{{new[] { "[]", "\"x\"", "7", "null" }[r.Next(4)]}}}""", id, JobErrorCode.InvalidJson, ["'inputs' must be an object"])),
        new("id_wrong_type", false, (r, _) => Case(
            "id_wrong_type", "{\"id\":" + new[] { "42", "[]", "null", "{}", "true" }[r.Next(5)] + ",\"inputs\":{}}", null, JobErrorCode.InvalidId, ["must be a JSON string"])),
        Replacing("dtype_wrong_type", "x", _ => """{"dtype":7,"shape":[4],"data":[1,2,3,4]}""", JobErrorCode.InvalidJson, "'dtype' must be a string"),
        Replacing("shape_wrong_type", "x", r => $$"""{"dtype":"int64","shape":{{new[] { "\"4\"", "4", "{}" }[r.Next(3)]}},"data":[1,2,3,4]}""", JobErrorCode.InvalidJson, "'shape' must be an array"),
        Replacing("shape_dim_wrong_type", "x", _ => """{"dtype":"int64","shape":["4"],"data":[1,2,3,4]}""", JobErrorCode.InvalidJson, "dim 0 is a string"),
        Replacing("data_wrong_type", "x", r => $$"""{"dtype":"int64","shape":[4],"data":{{new[] { "\"1,2,3,4\"", "1234", "{}", "null" }[r.Next(4)]}}}""", JobErrorCode.InvalidJson, "'data' must be an array"),
        Replacing("data_string_for_int", "x", r => Tensor("int64", "[4]", $$"""[1,2,{{new[] { "\"abc\"", "\"12\"", "true", "null" }[r.Next(4)]}},4]"""), JobErrorCode.InvalidTensor, "at index 2"),
        Replacing("data_nested", "x", _ => Tensor("int64", "[4]", "[[1,2],[3,4]]"), JobErrorCode.InvalidTensor, "flat array"),
        Replacing("input_wrong_type", "f", r => new[] { "[1,2,3]", "\"f\"", "3" }[r.Next(3)], JobErrorCode.InvalidJson, "must be an object"),
        Replacing("image_wrong_type", "image", r => $$"""{"image":{{new[] { "\"gs://inputs/valid.png\"", "[]", "1" }[r.Next(3)]}}}""", JobErrorCode.InvalidJson, "'image' must be an object"),
        Replacing("b64_wrong_type", "x", _ => """{"dtype":"int64","shape":[4],"b64":[1,2]}""", JobErrorCode.InvalidJson, "'b64' must be a base64 string"),
        Replacing("unknown_tensor_field", "x", _ => """{"dtype":"int64","shape":[4],"data":[1,2,3,4],"scale":2}""", JobErrorCode.InvalidJson, "unknown field 'scale'"),
        Replacing("missing_dtype", "x", _ => """{"shape":[4],"data":[1,2,3,4]}""", JobErrorCode.InvalidJson, "missing 'dtype'"),
        Replacing("missing_data", "x", _ => """{"dtype":"int64","shape":[4]}""", JobErrorCode.InvalidJson, "missing 'data' or 'b64'"),
        Replacing("data_and_b64", "x", _ => """{"dtype":"int64","shape":[4],"data":[1,2,3,4],"b64":"AAAA"}""", JobErrorCode.InvalidJson, "exclusive"),

        // Values the dtype forbids.
        Replacing("int_nan_string", "x", r => Tensor("int64", "[4]", $$"""[1,{{new[] { "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"nan\"" }[r.Next(4)]}},3,4]"""), JobErrorCode.InvalidTensor, "at index 1"),
        Replacing("int_not_integral", "x", r => Tensor("int64", "[4]", $$"""[1,2,3,{{new[] { "1e400", "1.5", "-0.5", "9223372036854775808", "-9223372036854775809", "1e19" }[r.Next(6)]}}]"""), JobErrorCode.InvalidTensor, "at index 3"),
        Replacing("float_overflow", "f", r => Tensor("float32", "[3]", $$"""[{{new[] { "1e39", "-3.5e38", "1e400" }[r.Next(3)]}},1,2]"""), JobErrorCode.InvalidTensor, "at index 0"),
        Replacing("unsupported_dtype", "x", r => Tensor(new[] { "float64", "int8", "string", "\uff46\uff4c\uff4f\uff41\uff54\uff13\uff12", string.Empty, "INT64" }[r.Next(6)], "[4]", "[1,2,3,4]"), JobErrorCode.InvalidTensor, "is not supported"),
        Replacing("dtype_mismatch", "x", r => Tensor(new[] { "int32", "float32", "uint8" }[r.Next(3)], "[4]", "[1,2,3,4]"), JobErrorCode.InvalidTensor, "expected dtype int64"),

        // Shapes.
        Replacing("shape_mismatch", "x", r => r.Next(2) == 0 ? Tensor("int64", "[5]", "[1,2,3,4,5]") : Tensor("int64", "[2,2]", "[1,2,3,4]"), JobErrorCode.InvalidTensor, "expected shape [4]"),
        Replacing("count_mismatch", "x", r => Tensor("int64", "[4]", r.Next(2) == 0 ? "[1,2,3]" : "[1,2,3,4,5]"), JobErrorCode.InvalidTensor, "expected shape [4] (4 values), got"),
        Replacing("negative_dim", "x", r => Tensor("int64", $"[{-r.Next(1, int.MaxValue)}]", "[1,2,3,4]"), JobErrorCode.InvalidTensor, "non-negative"),
        Replacing("fractional_dim", "x", _ => Tensor("int64", "[4.5]", "[1,2,3,4]"), JobErrorCode.InvalidTensor, "non-negative"),
        Replacing("huge_dims", "x", r => Tensor("int64", $"[4,{r.NextInt64(1L << 40, 1L << 60)}]", "[1,2,3,4]"), JobErrorCode.TooLarge, "at most"),
        Replacing("overflowing_shape", "x", _ => Tensor("int64", "[9223372036854775807,3]", "[1,2,3,4]"), JobErrorCode.TooLarge, "64-bit"),
        Replacing("dim_beyond_int64", "x", _ => Tensor("int64", "[99999999999999999999999]", "[1,2,3,4]"), JobErrorCode.TooLarge, "more than any tensor"),
        Replacing("too_many_dims", "x", _ => Tensor("int64", "[" + string.Join(',', Enumerable.Repeat(1, 33)) + "]", "[1,2,3,4]"), JobErrorCode.InvalidTensor, "more than 32 dims"),

        // Base64.
        Replacing("b64_not_base64", "x", r => TensorB64("int64", "[4]", new[] { "!!!!", "AAAA=AAA", "not base64 at all", "\u00e9t\u00e9" }[r.Next(4)]), JobErrorCode.InvalidTensor, "not valid base64"),
        Replacing("b64_wrong_length", "x", r => TensorB64("int64", "[4]", Convert.ToBase64String(new byte[new[] { 31, 33, 0, 4 }[r.Next(4)]])), JobErrorCode.InvalidTensor, "'b64' holds"),

        // Images.
        Replacing("image_b64_not_base64", "image", _ => """{"image":{"b64":"%%%%"}}""", JobErrorCode.DecodeFailed, "not valid base64"),
        Replacing("image_empty", "image", _ => """{"image":{"b64":""}}""", JobErrorCode.DecodeFailed, "empty"),
        Replacing("image_not_an_image", "image", r => ImageB64(HostileImages.NotAnImage(r)), JobErrorCode.DecodeFailed, "not a JPEG, PNG or WebP"),
        Replacing("image_unsupported_format", "image", _ => ImageB64(Decoding.TestImages.Gif), JobErrorCode.DecodeFailed, "GIF images are not supported"),
        Replacing("image_truncated", "image", r => ImageB64(HostileImages.Truncated(r)), JobErrorCode.DecodeFailed, "truncated", "corrupt"),
        Replacing("image_bomb", "image", r => ImageB64(HostileImages.Bomb(r)), JobErrorCode.TooLarge, "are decoded"),
        Replacing("image_both_fields", "image", _ => """{"image":{"uri":"gs://inputs/valid.png","b64":"AAAA"}}""", JobErrorCode.InvalidJson, "not both"),
        Replacing("image_for_tensor_input", "x", r => ImageB64(HostileImages.Noise(r, 8, SKEncodedImageFormat.Png)), JobErrorCode.InvalidTensor, "an image was given"),

        // Ids.
        Named("id_traversal", ["../x", "a//b", "%2e%2e", "/etc/passwd", "a/../../b", "a/./b", "..", ".", "a/", "./x", "a\\..\\b"], "job id"),
        Named("id_control_characters", ["a\u0000b", "line\nbreak", "tab\there", "\u001b[31mred", "bell\u0007", "del\u007f"], "job id"),
        Named("id_unicode", ["caf\u00e9", "\u202eevil", "\ud83d\udca3", "\uff0e\uff0e/x", "a\u2215b", "\u0430dmin"], "job id"),
        new("id_too_long", false, (r, _) => Case(
            "id_too_long", Job(new string('a', r.Next(257, 5000)), []), null, JobErrorCode.InvalidId, ["at most 256"])),
        new("id_empty", false, (_, _) => Case("id_empty", Job(string.Empty, []), null, JobErrorCode.InvalidId, ["empty"])),

        // Inputs.
        new("unknown_input", false, (r, id) =>
        {
            var (x, _) = RandomX(r);
            var inputs = ValidInputs(r, x, HostileImages.Noise(r, 8, SKEncodedImageFormat.Png));
            inputs[new[] { "z", "X", "x ", "\u0000", "\ud83d\ude00", "../x" }[r.Next(6)]] = X(x);
            return Case("unknown_input", Job(id, inputs), id, JobErrorCode.UnknownInput, ["is not an input of this pipeline"]);
        }),
        new("missing_input", false, (r, id) =>
        {
            var (x, _) = RandomX(r);
            var inputs = ValidInputs(r, x, HostileImages.Noise(r, 8, SKEncodedImageFormat.Png));
            inputs.Remove(new[] { "x", "f", "image" }[r.Next(3)]);
            return Case("missing_input", Job(id, inputs), id, JobErrorCode.MissingInput, ["is missing"]);
        }),
        new("no_inputs_given", false, (_, id) => Case("no_inputs_given", Job(id, []), id, JobErrorCode.MissingInput, ["is missing"])),
        Replacing("empty_input_name", string.Empty, r => X(RandomX(r).Values), JobErrorCode.InvalidJson, "input name is empty"),
        new("input_name_too_long", false, (r, id) => Case(
            "input_name_too_long", Job(id, [new(new string('n', 257), X(RandomX(r).Values))]), id, JobErrorCode.InvalidJson, ["characters long"])),
        new("too_many_inputs", false, (r, id) => Case(
            "too_many_inputs", Job(id, Enumerable.Range(0, 65).Select(i => KeyValuePair.Create($"in{i}", X(RandomX(r).Values)))), id, JobErrorCode.TooLarge, ["more than 64 inputs"])),

        // gs:// inputs.
        Uri("uri_forbidden_bucket", [$"gs://{PrivateBucket}/{SecretObject}", "gs://results/out/valid_b64_image/0.json", $"gs://{InputsBucket}-evil/{ValidImageObject}", "gs://other-project-bucket/x.png"], JobErrorCode.InputForbidden, "is not in Worker:InputBuckets"),
        Uri("uri_not_gs", ["http://169.254.169.254/computeMetadata/v1/instance/service-accounts/default/token", "file:///etc/passwd", $"https://storage.googleapis.com/{PrivateBucket}/{SecretObject}", $"GS://{InputsBucket}/{ValidImageObject}", string.Empty, $" gs://{InputsBucket}/{ValidImageObject}"], JobErrorCode.InputForbidden, "is not a gs:// URI"),
        Uri("uri_missing_object", [$"gs://{InputsBucket}/missing.png", $"gs://{InputsBucket}/{ValidImageObject}.bak", $"gs://{InputsBucket}/VALID.png"], JobErrorCode.InputNotFound, "does not exist"),
        Uri("uri_traversal", [$"gs://{InputsBucket}/../{PrivateBucket}/{SecretObject}", $"gs://{InputsBucket}/%2e%2e/{PrivateBucket}/{SecretObject}", $"gs://{InputsBucket}/..%2f{PrivateBucket}%2f{SecretObject}", $"gs://{InputsBucket}//{ValidImageObject}", $"gs://{InputsBucket}/./{ValidImageObject}", $"gs://{InputsBucket}/{ValidImageObject}?alt=media", $"gs://{InputsBucket}/{ValidImageObject}#x", $"gs://{InputsBucket}/..", $"gs://{InputsBucket}/"], JobErrorCode.InputNotFound, "does not exist", "not an allowed object name", "names no object"),
        Uri("uri_bad_bucket", ["gs://INPUTS/valid.png", "gs://in/valid.png", "gs:///valid.png", "gs://inputs@private-data/secret.png", "gs://goog-inputs/x"], JobErrorCode.InputNotFound, "bucket name"),
        Uri("uri_not_an_image", [$"gs://{InputsBucket}/{TextObject}"], JobErrorCode.DecodeFailed, "not a JPEG, PNG or WebP"),
        Uri("uri_too_large", [$"gs://{InputsBucket}/{LargeObject}"], JobErrorCode.TooLarge, "Storage:MaxInputBytes"),

        // Nesting that fits in a normal message.
        new("nesting_deep", false, (r, id) => Case("nesting_deep", Nested(id, r.Next(65, 200_000)), id, JobErrorCode.InvalidJson, ["depth"])),

        // Content types.
        new("unsupported_content_type", false, (r, id) => ValidMixed("unsupported_content_type", r, id, image: null) with
        {
            ResultId = null,
            Attributes = new Dictionary<string, string> { ["content-type"] = new[] { "text/plain", "application/xml", "image/gif", "image/svg+xml", "application/octet-stream", "json" }[r.Next(6)] },
            ExpectedCode = JobErrorCode.InvalidJson,
            MessageFragments = ["is not supported"],
            ExpectedSum = null,
        }),

        // Raw image messages, to the image-only pipeline.
        new("raw_garbage", false, (r, id) => Raw("raw_garbage", new[] { "image/jpeg", "image/png", "image/webp" }[r.Next(3)], HostileImages.NotAnImage(r), id, JobErrorCode.DecodeFailed, ["not a JPEG, PNG or WebP"])),
        new("raw_json_as_image", false, (r, id) => Raw("raw_json_as_image", "image/webp", Utf8(ValidMixedJson(r, id)), id, JobErrorCode.DecodeFailed, ["not a JPEG, PNG or WebP"])),
        new("raw_empty", false, (_, id) => Raw("raw_empty", "image/png", [], id, JobErrorCode.DecodeFailed, ["empty"])),
        new("raw_truncated", false, (r, id) => Raw("raw_truncated", "image/jpeg", HostileImages.Truncated(r), id, JobErrorCode.DecodeFailed, ["truncated", "corrupt"])),
        new("raw_bomb", false, (r, id) => Raw("raw_bomb", "image/png", HostileImages.Bomb(r), id, JobErrorCode.TooLarge, ["are decoded"])),
        new("raw_gif", false, (_, id) => Raw("raw_gif", "image/png", Decoding.TestImages.Gif, id, JobErrorCode.DecodeFailed, ["GIF images are not supported"])),
        new("raw_too_large", false, (r, id) =>
        {
            var data = new byte[RawMaxMessageBytes + r.Next(1, 500_000)];
            r.NextBytes(data);
            return Raw("raw_too_large", "image/png", data, id, JobErrorCode.TooLarge, ["Jobs:MaxMessageBytes"]);
        }),
        new("raw_bad_job_id", false, (r, _) => Raw(
            "raw_bad_job_id", "image/png", HostileImages.Noise(r, 8, SKEncodedImageFormat.Png), null, JobErrorCode.InvalidId, ["attribute 'job-id'"]) with
        {
            Attributes = new Dictionary<string, string> { ["content-type"] = "image/png", ["job-id"] = new[] { "../x", "/abs", "a//b", "%2e%2e", "\u0000", string.Empty }[r.Next(6)] },
        }),
        new("raw_unknown_content_type", false, (r, id) => Raw(
            "raw_unknown_content_type", new[] { "image/gif", "image/bmp", "image/jpg2", "text/html", "image/*" }[r.Next(5)], HostileImages.Noise(r, 8, SKEncodedImageFormat.Png), id, JobErrorCode.InvalidJson, ["is not supported"]) with
        {
            ResultId = null,
        }),
    ];

    private static HostileCase Case(string kind, string json, string? resultId, JobErrorCode? code, IReadOnlyList<string> fragments, long? sum = null) =>
        new(kind, HostileTarget.Mixed, Utf8(json), null, resultId, code, fragments, sum);

    private static HostileCase Raw(string kind, string contentType, byte[] data, string? jobId, JobErrorCode? code, IReadOnlyList<string> fragments)
    {
        var attributes = new Dictionary<string, string> { ["content-type"] = contentType };
        if (jobId is not null)
        {
            attributes["job-id"] = jobId;
        }

        return new HostileCase(kind, HostileTarget.Raw, data, attributes, jobId, code, fragments);
    }

    private static HostileCase ValidMixed(string kind, Random random, string? id, string? image)
    {
        var (x, sum) = RandomX(random);
        var inputs = ValidInputs(random, x, HostileImages.Noise(random, 8 + random.Next(24), SKEncodedImageFormat.Png));
        if (image is not null)
        {
            inputs["image"] = image;
        }

        return Case(kind, Job(id, inputs), id, null, [], sum);
    }

    private static string ValidMixedJson(Random random, string id, bool idLast = false)
    {
        var (x, _) = RandomX(random);
        return Job(id, ValidInputs(random, x, HostileImages.Noise(random, 8, SKEncodedImageFormat.Png)), idLast);
    }

    /// <summary>A valid job with one input replaced by <paramref name="value"/>.</summary>
    private static HostileKind Replacing(string kind, string input, Func<Random, string> value, JobErrorCode code, params string[] fragments) =>
        new(kind, false, (r, id) =>
        {
            var (x, _) = RandomX(r);
            var inputs = ValidInputs(r, x, HostileImages.Noise(r, 8, SKEncodedImageFormat.Png));
            inputs.Remove(input);
            inputs[input] = value(r);
            return Case(kind, Job(id, inputs), id, code, fragments);
        });

    /// <summary>A valid job whose image input is the given URI.</summary>
    private static HostileKind Uri(string kind, string[] uris, JobErrorCode code, params string[] fragments) =>
        Replacing(kind, "image", r => ImageUri(uris[r.Next(uris.Length)]), code, fragments);

    /// <summary>A valid job carrying one of the given (invalid) ids; its result is named by the message ID.</summary>
    private static HostileKind Named(string kind, string[] ids, string fragment) =>
        new(kind, false, (r, _) =>
        {
            var (x, _) = RandomX(r);
            var json = Job(ids[r.Next(ids.Length)], ValidInputs(r, x, HostileImages.Noise(r, 8, SKEncodedImageFormat.Png)));
            return Case(kind, json, null, JobErrorCode.InvalidId, [fragment]);
        });

    /// <summary>A job whose <c>x</c> data (before its dtype) opens <paramref name="depth"/> arrays and never closes them.</summary>
    private static string Nested(string id, int depth)
    {
        var builder = new StringBuilder(depth + 100);
        // 'data' before 'dtype' is skipped, not parsed, so the reader's depth limit is what stops it.
        builder.Append("{\"id\":").Append(Str(id)).Append(",\"inputs\":{\"x\":{\"data\":");
        builder.Append('[', depth);
        return builder.ToString();
    }
}
