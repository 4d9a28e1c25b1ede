using static PullWorker.Jobs.Tests.Parsing.Jobs;

namespace PullWorker.Jobs.Tests.Parsing;

public sealed class TensorErrorTests
{
    private static IEnumerable<TestCaseData> Cases()
    {
        yield return Case(
            "count short",
            """{"inputs":{"input":{"dtype":"float32","shape":[1,28,28],"data":[__783__]}}}""",
            JobErrorCode.InvalidTensor,
            "input 'input': expected shape [1,28,28] (784 values), got 783");
        yield return Case(
            "count long",
            """{"dtype":"int64","shape":[2],"data":[1,2,3]}""",
            JobErrorCode.InvalidTensor,
            "input 'x': expected shape [2] (2 values), got 3");
        yield return Case(
            "unsupported dtype",
            """{"dtype":"float64","shape":[1],"data":[1]}""",
            JobErrorCode.InvalidTensor,
            "input 'x': dtype \"float64\" is not supported; use one of float32, float16, int64, int32, uint8, bool");
        yield return Case(
            "dtype case matters",
            """{"dtype":"Float32","shape":[1],"data":[1]}""",
            JobErrorCode.InvalidTensor,
            "input 'x': dtype \"Float32\" is not supported; use one of float32, float16, int64, int32, uint8, bool");
        yield return Case(
            "negative dim",
            """{"dtype":"float32","shape":[2,-3],"data":[]}""",
            JobErrorCode.InvalidTensor,
            "input 'x': shape dim 1 is -3; dims must be non-negative integers");
        yield return Case(
            "fractional dim",
            """{"dtype":"float32","shape":[1.5],"data":[]}""",
            JobErrorCode.InvalidTensor,
            "input 'x': shape dim 0 is 1.5; dims must be non-negative integers");
        yield return Case(
            "huge dim",
            """{"dtype":"float32","shape":[1e30],"data":[]}""",
            JobErrorCode.TooLarge,
            "input 'x': shape dim 0 is 1e30, more than any tensor can have");
        yield return Case(
            "hugely negative dim",
            """{"dtype":"float32","shape":[-1e30],"data":[]}""",
            JobErrorCode.InvalidTensor,
            "input 'x': shape dim 0 is -1e30; dims must be non-negative integers");
        yield return Case(
            "overflowing count",
            """{"dtype":"uint8","shape":[4294967296,4294967296],"data":[]}""",
            JobErrorCode.TooLarge,
            "input 'x': shape [4294967296,4294967296] has more values than a 64-bit count can hold");
        yield return Case(
            "count beyond the message limit",
            """{"dtype":"float32","shape":[100000,100000],"b64":""}""",
            JobErrorCode.TooLarge,
            "input 'x': shape [100000,100000] of float32 is 10000000000 values (40000000000 bytes); a tensor may have at most 10485760 bytes (Jobs:MaxMessageBytes)");
        yield return Case(
            "count beyond the limit before data is read",
            """{"dtype":"int64","shape":[2000000],"data":[1,2]}""",
            JobErrorCode.TooLarge,
            "input 'x': shape [2000000] of int64 is 2000000 values (16000000 bytes); a tensor may have at most 10485760 bytes (Jobs:MaxMessageBytes)");
        yield return Case(
            "too many dims",
            $$"""{"dtype":"uint8","shape":[{{string.Join(',', Enumerable.Repeat(1, 33))}}],"data":[1]}""",
            JobErrorCode.InvalidTensor,
            "input 'x': 'shape' has more than 32 dims");
        yield return Case(
            "nested data",
            """{"dtype":"float32","shape":[2,2],"data":[[1,2],[3,4]]}""",
            JobErrorCode.InvalidTensor,
            "input 'x': 'data' must be a flat array of values in row-major order; found an array at index 0");
        yield return Case(
            "object in data",
            """{"dtype":"float32","shape":[2],"data":[1,{"a":1}]}""",
            JobErrorCode.InvalidTensor,
            "input 'x': 'data' must be a flat array of values in row-major order; found an object at index 1");
        yield return Case(
            "uint8 out of range",
            """{"dtype":"uint8","shape":[2],"data":[1,256]}""",
            JobErrorCode.InvalidTensor,
            "input 'x': value 256 at index 1 is out of range for uint8 (0 to 255)");
        yield return Case(
            "uint8 negative",
            """{"dtype":"uint8","shape":[1],"data":[-1]}""",
            JobErrorCode.InvalidTensor,
            "input 'x': value -1 at index 0 is out of range for uint8 (0 to 255)");
        yield return Case(
            "int32 out of range",
            """{"dtype":"int32","shape":[1],"data":[2147483648]}""",
            JobErrorCode.InvalidTensor,
            "input 'x': value 2147483648 at index 0 is out of range for int32 (-2147483648 to 2147483647)");
        yield return Case(
            "int64 out of range",
            """{"dtype":"int64","shape":[1],"data":[9223372036854775808]}""",
            JobErrorCode.InvalidTensor,
            "input 'x': value 9223372036854775808 at index 0 is out of range for int64 (-9223372036854775808 to 9223372036854775807)");
        yield return Case(
            "int64 fraction",
            """{"dtype":"int64","shape":[2],"data":[1,1.5]}""",
            JobErrorCode.InvalidTensor,
            "input 'x': value 1.5 at index 1 is not an integer (int64 values are integers)");
        yield return Case(
            "int64 tiny fraction",
            """{"dtype":"int64","shape":[1],"data":[1.0000000000000000001]}""",
            JobErrorCode.InvalidTensor,
            "input 'x': value 1.0000000000000000001 at index 0 is not an integer (int64 values are integers)");
        yield return Case(
            "NaN string for int32",
            """{"dtype":"int32","shape":[1],"data":["NaN"]}""",
            JobErrorCode.InvalidTensor,
            "input 'x': value \"NaN\" at index 0 is not a number (int32 values are integers)");
        yield return Case(
            "boolean for int32",
            """{"dtype":"int32","shape":[1],"data":[true]}""",
            JobErrorCode.InvalidTensor,
            "input 'x': value true at index 0 is not a number (int32 values are integers)");
        yield return Case(
            "bool 2",
            """{"dtype":"bool","shape":[2],"data":[true,2]}""",
            JobErrorCode.InvalidTensor,
            "input 'x': value 2 at index 1 is not a bool (true, false, 0 or 1)");
        yield return Case(
            "bool string",
            """{"dtype":"bool","shape":[1],"data":["true"]}""",
            JobErrorCode.InvalidTensor,
            "input 'x': value \"true\" at index 0 is not a bool (true, false, 0 or 1)");
        yield return Case(
            "float32 overflow",
            """{"dtype":"float32","shape":[1],"data":[1e39]}""",
            JobErrorCode.InvalidTensor,
            "input 'x': value 1e39 at index 0 is out of range for float32");
        yield return Case(
            "float16 overflow",
            """{"dtype":"float16","shape":[1],"data":[70000]}""",
            JobErrorCode.InvalidTensor,
            "input 'x': value 70000 at index 0 is out of range for float16");
        yield return Case(
            "NaN-like string",
            """{"dtype":"float32","shape":[1],"data":["nan"]}""",
            JobErrorCode.InvalidTensor,
            "input 'x': value \"nan\" at index 0 is not a number (the only strings allowed are \"NaN\", \"Infinity\" and \"-Infinity\")");
        yield return Case(
            "null in floats",
            """{"dtype":"float16","shape":[1],"data":[null]}""",
            JobErrorCode.InvalidTensor,
            "input 'x': value null at index 0 is not a number (the only strings allowed are \"NaN\", \"Infinity\" and \"-Infinity\")");
        yield return Case(
            "bad value when data comes first",
            """{"data":[1,300],"shape":[2],"dtype":"uint8"}""",
            JobErrorCode.InvalidTensor,
            "input 'x': value 300 at index 1 is out of range for uint8 (0 to 255)");
        yield return Case(
            "b64 not base64",
            """{"dtype":"uint8","shape":[1],"b64":"@@@"}""",
            JobErrorCode.InvalidTensor,
            "input 'x': 'b64' is not valid base64");
        yield return Case(
            "b64 wrong length",
            """{"dtype":"float32","shape":[2],"b64":"AAAAAA=="}""",
            JobErrorCode.InvalidTensor,
            "input 'x': expected shape [2] of float32 (2 values, 8 bytes), 'b64' holds 4 bytes");
        yield return Case(
            "long string value is cut",
            $$"""{"dtype":"float32","shape":[1],"data":["{{new string('a', 1000)}}"]}""",
            JobErrorCode.InvalidTensor,
            $"input 'x': value \"{new string('a', 64)}...\" at index 0 is not a number (the only strings allowed are \"NaN\", \"Infinity\" and \"-Infinity\")");
    }

    [TestCaseSource(nameof(Cases))]
    public void Parse_BadTensor_ReturnsCodeAndExactMessage(string json, JobErrorCode code, string message)
    {
        var result = Parse(json);

        Assert.Multiple(() =>
        {
            Assert.That(result.Succeeded, Is.False);
            Assert.That(result.Error, Is.EqualTo(new JobError(code, message)));
        });
    }

    private static TestCaseData Case(string name, string json, JobErrorCode code, string message)
    {
        json = json.Replace("__783__", string.Join(',', Enumerable.Repeat("0.5", 783)), StringComparison.Ordinal);
        var job = json.StartsWith("{\"inputs\"", StringComparison.Ordinal) ? json : WithInput(json);
        return new TestCaseData(job, code, message).SetArgDisplayNames(name);
    }
}
