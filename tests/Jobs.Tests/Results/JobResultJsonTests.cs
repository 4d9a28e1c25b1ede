using System.Text;
using System.Text.Json;
using PullWorker.Jobs.Results;

namespace PullWorker.Jobs.Tests.Results;

public sealed class JobResultJsonTests
{
    private static readonly ModelInfo Model = new("mnist", "9f86d081");
    private static readonly DateTimeOffset PublishTime = new(2026, 11, 22, 10, 0, 0, 123, TimeSpan.Zero);

    // 11:00:01.456 at +01:00 is 10:00:01.456Z; the extra ticks are sub-millisecond and must be truncated.
    private static readonly DateTimeOffset CompletedAt =
        new DateTimeOffset(2026, 11, 22, 11, 0, 1, 456, TimeSpan.FromHours(1)).AddTicks(9999);

    [Test]
    public void ToUtf8Json_OkResult_MatchesContract()
    {
        var outputs = new Dictionary<string, OutputTensor>
        {
            ["probabilities"] = new OutputTensor<float>(new[] { 0.1f, 1f / 3, 1e-8f }, [3]),
        };
        var result = JobResult.Succeeded(
            JobId.Parse("batch-2026-11-22/img-00017"), "1234567890", outputs, Model, PublishTime, CompletedAt, 1);

        var json = Encoding.UTF8.GetString(result.ToUtf8Json());

        var expected = """
            {"id":"batch-2026-11-22/img-00017","messageId":"1234567890","status":"ok",
            "outputs":{"probabilities":{"dtype":"float32","shape":[3],"data":[0.1,0.33333334,1E-08]}},
            "model":{"name":"mnist","sha256":"9f86d081"},
            "publishTime":"2026-11-22T10:00:00.123Z","completedAt":"2026-11-22T10:00:01.456Z","deliveryAttempt":1}
            """.ReplaceLineEndings(string.Empty);
        Assert.That(json, Is.EqualTo(expected));
    }

    [Test]
    public void ToUtf8Json_ErrorResult_HasErrorAndNoOutputs()
    {
        var error = new JobError(JobErrorCode.InvalidTensor, "input 'input': expected shape [1,28,28] (784 values), got 783");
        var result = JobResult.Failed(JobId.Parse("42"), "42", error, Model, PublishTime, CompletedAt, 3);

        using var document = JsonDocument.Parse(result.ToUtf8Json());
        var root = document.RootElement;

        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("status").GetString(), Is.EqualTo("error"));
            Assert.That(root.GetProperty("error").GetProperty("code").GetString(), Is.EqualTo("invalid_tensor"));
            Assert.That(root.GetProperty("error").GetProperty("message").GetString(), Is.EqualTo(error.Message));
            Assert.That(root.TryGetProperty("outputs", out _), Is.False);
            Assert.That(root.GetProperty("deliveryAttempt").GetInt32(), Is.EqualTo(3));
        });
    }

    [Test]
    public void ToUtf8Json_NonFiniteFloats_WrittenAsNamedStrings()
    {
        var outputs = new Dictionary<string, OutputTensor>
        {
            ["f32"] = new OutputTensor<float>(new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0.5f }, [2, 2]),
            ["f64"] = new OutputTensor<double>(new[] { double.NaN, 0.1 }, [2]),
            ["f16"] = new OutputTensor<Half>(new[] { Half.PositiveInfinity, (Half)0.1f }, [2]),
        };
        var result = JobResult.Succeeded(JobId.Parse("x"), "1", outputs, Model, PublishTime, CompletedAt, 1);

        using var document = JsonDocument.Parse(result.ToUtf8Json());
        var data = document.RootElement.GetProperty("outputs");

        Assert.Multiple(() =>
        {
            Assert.That(data.GetProperty("f32").GetProperty("data").GetRawText(), Is.EqualTo("""["NaN","Infinity","-Infinity",-0.5]"""));
            Assert.That(data.GetProperty("f64").GetProperty("data").GetRawText(), Is.EqualTo("""["NaN",0.1]"""));
            Assert.That(data.GetProperty("f16").GetProperty("data").GetRawText(), Is.EqualTo("""["Infinity",0.1]"""));
        });
    }

    [Test]
    public void ToUtf8Json_IntegerAndBoolTensors_WrittenAsPlainValues()
    {
        var outputs = new Dictionary<string, OutputTensor>
        {
            ["i64"] = new OutputTensor<long>(new[] { long.MinValue, 7L }, [2]),
            ["u8"] = new OutputTensor<byte>(new byte[] { 0, 255 }, [1, 2]),
            ["i8"] = new OutputTensor<sbyte>(new sbyte[] { -128 }, [1]),
            ["u64"] = new OutputTensor<ulong>(new[] { ulong.MaxValue }, [1]),
            ["b"] = new OutputTensor<bool>(new[] { true, false }, [2]),
            ["scalar"] = new OutputTensor<int>(new[] { 5 }, []),
        };
        var result = JobResult.Succeeded(JobId.Parse("x"), "1", outputs, Model, PublishTime, CompletedAt, 1);

        using var document = JsonDocument.Parse(result.ToUtf8Json());
        string Data(string name) => document.RootElement.GetProperty("outputs").GetProperty(name).GetProperty("data").GetRawText();

        Assert.Multiple(() =>
        {
            Assert.That(Data("i64"), Is.EqualTo("[-9223372036854775808,7]"));
            Assert.That(Data("u8"), Is.EqualTo("[0,255]"));
            Assert.That(Data("i8"), Is.EqualTo("[-128]"));
            Assert.That(Data("u64"), Is.EqualTo("[18446744073709551615]"));
            Assert.That(Data("b"), Is.EqualTo("[true,false]"));
            Assert.That(Data("scalar"), Is.EqualTo("[5]"));
            Assert.That(document.RootElement.GetProperty("outputs").GetProperty("u8").GetProperty("dtype").GetString(), Is.EqualTo("uint8"));
        });
    }

    [Test]
    public void Parse_WrittenDocument_RoundTrips()
    {
        var batch = new[] { 1f, 2f, float.NaN, 4f, 5f, 6f };
        var outputs = new Dictionary<string, OutputTensor>
        {
            // A slice of a batch buffer, as the inference side hands it over.
            ["logits"] = new OutputTensor<float>(batch.AsMemory(2, 3), [3]),
            ["labels"] = new OutputTensor<long>(new[] { 3L }, [1]),
        };
        var original = JobResult.Succeeded(JobId.Parse("a/b"), "99", outputs, Model, PublishTime, CompletedAt, 2);

        var parsed = JobResult.Parse(original.ToUtf8Json());

        Assert.Multiple(() =>
        {
            Assert.That(parsed.Id, Is.EqualTo(original.Id));
            Assert.That(parsed.MessageId, Is.EqualTo("99"));
            Assert.That(parsed.Status, Is.EqualTo(JobStatus.Ok));
            Assert.That(parsed.Model, Is.EqualTo(Model));
            Assert.That(parsed.PublishTime, Is.EqualTo(PublishTime));
            Assert.That(parsed.CompletedAt, Is.EqualTo(new DateTimeOffset(2026, 11, 22, 10, 0, 1, 456, TimeSpan.Zero)));
            Assert.That(((OutputTensor<float>)parsed.Outputs!["logits"]).Data.ToArray(), Is.EqualTo(new[] { float.NaN, 4f, 5f }));
            Assert.That(((OutputTensor<long>)parsed.Outputs["labels"]).Data.ToArray(), Is.EqualTo(new[] { 3L }));
            Assert.That(parsed.ToUtf8Json(), Is.EqualTo(original.ToUtf8Json()));
        });
    }

    [Test]
    public void Parse_HostileIdInDocument_Rejected()
    {
        var json = """{"id":"../x","messageId":"1","status":"error","error":{"code":"invalid_id","message":"m"},"model":{"name":"m","sha256":"s"},"publishTime":"2026-01-01T00:00:00.000Z","completedAt":"2026-01-01T00:00:00.000Z","deliveryAttempt":1}""";

        var error = Assert.Throws<JsonException>(() => JobResult.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.That(error.Message, Does.Contain("'..' path segment"));
    }

    [Test]
    public void Constructor_OkWithoutOutputs_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new JobResult(
            JobId.Parse("x"), "1", JobStatus.Ok, Model, PublishTime, CompletedAt, 1));

        Assert.That(error.Message, Does.StartWith("an ok result needs outputs and no error"));
    }

    [Test]
    public void Constructor_ErrorWithOutputs_Throws()
    {
        var outputs = new Dictionary<string, OutputTensor>();

        var error = Assert.Throws<ArgumentException>(() => new JobResult(
            JobId.Parse("x"), "1", JobStatus.Error, Model, PublishTime, CompletedAt, 1, outputs, new JobError(JobErrorCode.TooLarge, "m")));

        Assert.That(error.Message, Does.StartWith("an error result needs an error and no outputs"));
    }

    [Test]
    public void OutputTensor_ShapeMismatch_SaysCounts()
    {
        var error = Assert.Throws<ArgumentException>(() => new OutputTensor<float>(new float[783], [1, 28, 28]));

        Assert.That(error.Message, Does.StartWith("shape [1,28,28] needs 784 values, got 783"));
    }

    [Test]
    public void OutputTensor_UnsupportedElementType_Throws()
    {
        var error = Assert.Throws<NotSupportedException>(() => new OutputTensor<char>(new[] { 'a' }, [1]));

        Assert.That(error.Message, Is.EqualTo("Char is not a tensor element type"));
    }

    [Test]
    public void JobErrorCode_WireNames_MatchJsonAndContract()
    {
        var expected = new[]
        {
            "invalid_json", "invalid_id", "unknown_input", "missing_input", "invalid_tensor", "too_large",
            "input_not_found", "input_forbidden", "decode_failed", "inference_failed", "unavailable",
        };

        var wireNames = Enum.GetValues<JobErrorCode>().Select(code => code.ToWireName()).ToArray();
        var jsonNames = Enum.GetValues<JobErrorCode>()
            .Select(code => JsonSerializer.Serialize(new JobError(code, "m"), JsonSerializerOptions.Default))
            .Select(json => JsonDocument.Parse(json).RootElement.GetProperty("Code").GetString())
            .ToArray();

        Assert.Multiple(() =>
        {
            Assert.That(wireNames, Is.EqualTo(expected));
            Assert.That(jsonNames, Is.EqualTo(expected));
        });
    }

}
