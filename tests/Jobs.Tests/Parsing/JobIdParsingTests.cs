using PullWorker.Jobs.Parsing;
using static PullWorker.Jobs.Tests.Parsing.Jobs;

namespace PullWorker.Jobs.Tests.Parsing;

public sealed class JobIdParsingTests
{
    private const string GoodInputs = """{"x":{"dtype":"uint8","shape":[1],"data":[1]}}""";
    private const string BadInputs = """{"x":{"dtype":"uint8","shape":[1],"data":[300]}}""";

    [Test]
    public void Parse_NoId_UsesTheMessageId()
    {
        var result = Parse($$"""{"inputs":{{GoodInputs}}}""");

        Assert.Multiple(() =>
        {
            Assert.That(result.Job?.Id.Value, Is.EqualTo(MessageId));
            Assert.That(result.ResultId.Value, Is.EqualTo(MessageId));
        });
    }

    [Test]
    public void Parse_ValidId_NamesTheJob()
    {
        var result = Parse($$"""{"id":"batch-2026-11-22/img-00017","inputs":{{GoodInputs}}}""");

        Assert.Multiple(() =>
        {
            Assert.That(result.Job?.Id.Value, Is.EqualTo("batch-2026-11-22/img-00017"));
            Assert.That(result.ResultId.Value, Is.EqualTo("batch-2026-11-22/img-00017"));
        });
    }

    [TestCase("../../etc/passwd", "job id has a '..' path segment at position 0; '.' and '..' segments are not allowed")]
    [TestCase("a/./b", "job id has a '.' path segment at position 2; '.' and '..' segments are not allowed")]
    [TestCase("/absolute", "job id must not start with '/'")]
    [TestCase("a//b", "job id has an empty path segment at position 2 ('//' or a trailing '/')")]
    [TestCase("a/", "job id has an empty path segment at position 2 ('//' or a trailing '/')")]
    [TestCase("", "job id is empty; it must be 1-256 characters of A-Z a-z 0-9 . _ - /")]
    [TestCase("a\\u0000b", "job id contains U+0000 at position 1; only A-Z a-z 0-9 . _ - / are allowed")]
    [TestCase("line\\nbreak", "job id contains U+000A at position 4; only A-Z a-z 0-9 . _ - / are allowed")]
    [TestCase("back\\\\slash", "job id contains '\\' at position 4; only A-Z a-z 0-9 . _ - / are allowed")]
    [TestCase("caf\\u00e9", "job id contains U+00E9 at position 3; only A-Z a-z 0-9 . _ - / are allowed")]
    public void Parse_HostileId_ReturnsInvalidIdNamedByTheMessageId(string escapedId, string message)
    {
        var result = Parse($$"""{"id":"{{escapedId}}","inputs":{{GoodInputs}}}""");

        Assert.Multiple(() =>
        {
            Assert.That(result.Error, Is.EqualTo(new JobError(JobErrorCode.InvalidId, message)));
            Assert.That(result.ResultId.Value, Is.EqualTo(MessageId));
        });
    }

    [Test]
    public void Parse_IdTooLong_ReturnsInvalidId()
    {
        var result = Parse($$"""{"id":"{{new string('a', 257)}}","inputs":{{GoodInputs}}}""");

        Assert.That(result.Error, Is.EqualTo(new JobError(JobErrorCode.InvalidId, "job id is 257 characters long; at most 256 are allowed")));
    }

    [TestCase("17", "a number")]
    [TestCase("null", "null")]
    [TestCase("[\"a\"]", "an array")]
    public void Parse_IdOfWrongType_ReturnsInvalidId(string id, string kind)
    {
        var result = Parse($$"""{"id":{{id}},"inputs":{{GoodInputs}}}""");

        Assert.That(
            result.Error,
            Is.EqualTo(new JobError(JobErrorCode.InvalidId, $"job id must be a JSON string, got {kind}; omit 'id' to use the message ID")));
    }

    [Test]
    public void Parse_ErrorBeforeAValidId_NamesTheResultByTheId()
    {
        var result = Parse($$"""{"inputs":{{BadInputs}},"id":"mine/1"}""");

        Assert.Multiple(() =>
        {
            Assert.That(result.Error?.Code, Is.EqualTo(JobErrorCode.InvalidTensor));
            Assert.That(result.ResultId.Value, Is.EqualTo("mine/1"));
        });
    }

    [Test]
    public void Parse_ErrorAfterAValidId_NamesTheResultByTheId()
    {
        var result = Parse($$"""{"id":"mine/2","inputs":{{BadInputs}}}""");

        Assert.Multiple(() =>
        {
            Assert.That(result.Error?.Code, Is.EqualTo(JobErrorCode.InvalidTensor));
            Assert.That(result.ResultId.Value, Is.EqualTo("mine/2"));
        });
    }

    [Test]
    public void Parse_ErrorBeforeAnInvalidId_ReportsTheInvalidId()
    {
        var result = Parse($$"""{"inputs":{{BadInputs}},"id":"../x"}""");

        Assert.Multiple(() =>
        {
            Assert.That(result.Error?.Code, Is.EqualTo(JobErrorCode.InvalidId));
            Assert.That(result.ResultId.Value, Is.EqualTo(MessageId));
        });
    }

    [Test]
    public void Parse_SyntaxErrorAfterAValidId_NamesTheResultByTheId()
    {
        var result = Parse("""{"id":"mine/3","inputs":{"x":""");

        Assert.Multiple(() =>
        {
            Assert.That(result.Error?.Code, Is.EqualTo(JobErrorCode.InvalidJson));
            Assert.That(result.ResultId.Value, Is.EqualTo("mine/3"));
        });
    }

    [Test]
    public void Parse_InvalidMessageId_Throws()
    {
        Assert.That(
            () => new JobParser(new JobParserOptions()).Parse("../1", "{}"u8.ToArray(), attributes: null),
            Throws.ArgumentException.With.Message.Contains("message ID '../1' cannot name a result"));
    }
}
