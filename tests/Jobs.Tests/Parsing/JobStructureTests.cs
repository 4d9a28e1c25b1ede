using System.Text;
using PullWorker.Jobs.Parsing;
using static PullWorker.Jobs.Tests.Parsing.Jobs;

namespace PullWorker.Jobs.Tests.Parsing;

public sealed class JobStructureTests
{
    private static IEnumerable<TestCaseData> Cases()
    {
        yield return Case("empty message", "", "the message is empty; a job is a JSON object with 'inputs'");
        yield return Case("not an object", "[1,2]", "a job must be a JSON object, got an array");
        yield return Case("a string", "\"job\"", "a job must be a JSON object, got a string");
        yield return Case("no inputs", """{"id":"a"}""", "the job has no 'inputs'");
        yield return Case("unknown field", """{"inputs":{},"input":{}}""", "unknown field 'input'; a job has only 'id' and 'inputs'");
        yield return Case("inputs array", """{"inputs":[]}""", "'inputs' must be an object mapping input names to values, got an array");
        yield return Case(
            "input a number",
            """{"inputs":{"x":5}}""",
            "input 'x' must be an object (a tensor has 'dtype', 'shape' and 'data' or 'b64'; an image has 'image'), got a number");
        yield return Case(
            "unknown tensor field",
            """{"inputs":{"x":{"dtype":"float32","shape":[1],"data":[1],"type":"x"}}}""",
            "input 'x': unknown field 'type' (a tensor has 'dtype', 'shape' and 'data' or 'b64'; an image has 'image')");
        yield return Case(
            "missing dtype",
            """{"inputs":{"x":{"shape":[1],"data":[1]}}}""",
            "input 'x': missing 'dtype' (a tensor has 'dtype', 'shape' and 'data' or 'b64'; an image has 'image')");
        yield return Case("missing shape", """{"inputs":{"x":{"dtype":"float32","data":[1]}}}""", "input 'x': missing 'shape'");
        yield return Case("missing data", """{"inputs":{"x":{"dtype":"float32","shape":[1]}}}""", "input 'x': missing 'data' or 'b64'");
        yield return Case(
            "data and b64",
            """{"inputs":{"x":{"dtype":"uint8","shape":[1],"data":[1],"b64":"AQ=="}}}""",
            "input 'x': 'data' and 'b64' are exclusive; send one of them");
        yield return Case("dtype number", """{"inputs":{"x":{"dtype":1,"shape":[1],"data":[1]}}}""", "input 'x': 'dtype' must be a string, got a number");
        yield return Case(
            "shape string",
            """{"inputs":{"x":{"dtype":"uint8","shape":"1,2","data":[1]}}}""",
            "input 'x': 'shape' must be an array of non-negative integers, got a string");
        yield return Case(
            "dim string",
            """{"inputs":{"x":{"dtype":"uint8","shape":["1"],"data":[1]}}}""",
            "input 'x': 'shape' must be an array of non-negative integers; dim 0 is a string");
        yield return Case("data string", """{"inputs":{"x":{"dtype":"uint8","shape":[1],"data":"1"}}}""", "input 'x': 'data' must be an array, got a string");
        yield return Case("b64 number", """{"inputs":{"x":{"dtype":"uint8","shape":[1],"b64":1}}}""", "input 'x': 'b64' must be a base64 string, got a number");
        yield return Case("duplicate inputs", """{"inputs":{},"inputs":{}}""", "the job has two 'inputs' fields");
        yield return Case("duplicate id", """{"id":"a","id":"b","inputs":{}}""", "the job has two 'id' fields");
        yield return Case(
            "duplicate input name",
            """{"inputs":{"x":{"dtype":"uint8","shape":[1],"data":[1]},"x":{"dtype":"uint8","shape":[1],"data":[2]}}}""",
            "input 'x' appears twice in 'inputs'");
        yield return Case(
            "duplicate input name, escaped",
            """{"inputs":{"x":{"dtype":"uint8","shape":[1],"data":[1]},"\u0078":{"dtype":"uint8","shape":[1],"data":[2]}}}""",
            "input 'x' appears twice in 'inputs'");
        yield return Case(
            "duplicate dtype",
            """{"inputs":{"x":{"dtype":"uint8","dtype":"float32","shape":[1],"data":[1]}}}""",
            "input 'x': 'dtype' appears twice");
        yield return Case("empty input name", """{"inputs":{"":{"dtype":"uint8","shape":[1],"data":[1]}}}""", "an input name is empty");
        yield return Case(
            "long input name",
            "{\"inputs\":{\"" + new string('n', 300) + "\":{\"dtype\":\"uint8\",\"shape\":[1],\"data\":[1]}}}",
            $"input name '{new string('n', 64)}...' is 300 characters long; at most 256 are allowed");
        yield return Case(
            "control characters in a field name",
            """{"inputs":{},"\u0007bell":1}""",
            "unknown field 'U+0007bell'; a job has only 'id' and 'inputs'");
    }

    [TestCaseSource(nameof(Cases))]
    public void Parse_MalformedJob_ReturnsInvalidJsonWithExactMessage(string json, string message)
    {
        var result = Parse(json);

        Assert.That(result.Error, Is.EqualTo(new JobError(JobErrorCode.InvalidJson, message)));
    }

    [TestCase("{\"inputs\":", TestName = "Parse_Truncated_ReturnsInvalidJson")]
    [TestCase("{\"inputs\":{}} x", TestName = "Parse_TrailingJunk_ReturnsInvalidJson")]
    [TestCase("{\"inputs\":{}}{}", TestName = "Parse_TwoObjects_ReturnsInvalidJson")]
    [TestCase("{\"inputs\":{},}", TestName = "Parse_TrailingComma_ReturnsInvalidJson")]
    [TestCase("{\"inputs\":{} /* c */}", TestName = "Parse_Comment_ReturnsInvalidJson")]
    [TestCase("{'inputs':{}}", TestName = "Parse_SingleQuotes_ReturnsInvalidJson")]
    [TestCase("{\"inputs\":{\"x\":{\"dtype\":\"uint8\",\"shape\":[1],\"data\":[NaN]}}}", TestName = "Parse_BareNaN_ReturnsInvalidJson")]
    public void Parse_SyntaxError_ReturnsInvalidJsonWithTheReadersPosition(string json)
    {
        var result = Parse(json);

        Assert.Multiple(() =>
        {
            Assert.That(result.Error?.Code, Is.EqualTo(JobErrorCode.InvalidJson));
            Assert.That(result.Error?.Message, Does.StartWith("invalid JSON: ").And.Contain("BytePositionInLine"));
            Assert.That(result.ResultId.Value, Is.EqualTo(MessageId));
        });
    }

    [Test]
    public void Parse_InvalidUtf8InAName_ReturnsInvalidJson()
    {
        var json = Encoding.UTF8.GetBytes("""{"inputs":{"xy":{"dtype":"uint8","shape":[1],"data":[1]}}}""");
        json[Array.IndexOf(json, (byte)'y')] = 0xFF;

        var result = Parse(json, attributes: null);

        Assert.That(result.Error?.Code, Is.EqualTo(JobErrorCode.InvalidJson));
    }

    [Test]
    public void Parse_TenMegabytesOfNesting_IsRefusedAtTheFirstBracket()
    {
        var result = Parse(new string('[', 10_000_000));

        Assert.That(result.Error, Is.EqualTo(new JobError(JobErrorCode.InvalidJson, "a job must be a JSON object, got an array")));
    }

    [Test]
    public void Parse_TenMegabytesOfNestingInSkippedData_FailsAtTheDepthLimit()
    {
        // 'data' before 'dtype' is skipped and parsed later, so only the reader's depth limit stands in the way.
        var result = Parse("{\"inputs\":{\"x\":{\"data\":" + new string('[', 10_000_000));

        Assert.Multiple(() =>
        {
            Assert.That(result.Error?.Code, Is.EqualTo(JobErrorCode.InvalidJson));
            Assert.That(result.Error?.Message, Does.Contain("maximum configured depth of 64"));
        });
    }

    [Test]
    public void Parse_NestingBeyondTheConfiguredDepth_FailsAtThatDepth()
    {
        var json = WithInput("{\"data\":" + new string('[', 10) + new string(']', 10) + ",\"dtype\":\"uint8\",\"shape\":[0]}");

        var result = Parse(json, new JobParserOptions { MaxDepth = 8 });

        Assert.That(result.Error?.Message, Does.Contain("maximum configured depth of 8"));
    }

    [Test]
    public void Parse_MessageOverTheLimit_ReturnsTooLargeWithoutReadingIt()
    {
        var result = Parse("{\"inputs\":{}}" + new string(' ', 100), new JobParserOptions { MaxMessageBytes = 64 });

        Assert.That(
            result.Error,
            Is.EqualTo(new JobError(JobErrorCode.TooLarge, "the message is 113 bytes; at most 64 are accepted (Jobs:MaxMessageBytes)")));
    }

    [Test]
    public void Parse_MoreInputsThanAllowed_ReturnsTooLarge()
    {
        var inputs = string.Join(',', Enumerable.Range(0, 5).Select(i => $$"""
            "i{{i}}":{"dtype":"uint8","shape":[1],"data":[1]}
            """));

        var result = Parse($"{{\"inputs\":{{{inputs}}}}}", new JobParserOptions { MaxInputs = 4 });

        Assert.That(result.Error, Is.EqualTo(new JobError(JobErrorCode.TooLarge, "the job has more than 4 inputs (Jobs:MaxInputs)")));
    }

    [Test]
    public void Parse_EmptyInputs_IsAJobWithNoInputs()
    {
        var result = Parse("""{"inputs":{}}""");

        Assert.That(result.Job?.Inputs, Is.Empty);
    }

    [Test]
    public void Parse_WhitespaceAndEscapedNames_AreAccepted()
    {
        var result = Parse(" \n{ \"\\u0069nputs\" : { \"x\" : { \"dtype\" : \"float\\u0033\\u0032\", \"shape\" : [ 1 ], \"data\" : [ 1 ] } } }\n ");

        Assert.That(Tensor(result).DType, Is.EqualTo(InputDType.Float32));
    }

    [Test]
    public void Constructor_NonPositiveLimit_Throws()
    {
        Assert.That(
            () => new JobParser(new JobParserOptions { MaxDepth = 0 }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("Jobs:MaxDepth"));
    }

    private static TestCaseData Case(string name, string json, string message) =>
        new TestCaseData(json, message).SetArgDisplayNames(name);
}
