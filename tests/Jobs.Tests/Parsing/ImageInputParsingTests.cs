using System.Text;
using PullWorker.Jobs.Parsing;
using static PullWorker.Jobs.Tests.Parsing.Jobs;

namespace PullWorker.Jobs.Tests.Parsing;

public sealed class ImageInputParsingTests
{
    [Test]
    public void Parse_ImageUri_KeepsTheUriForTheFetcher()
    {
        var result = Parse(WithInput("""{"image":{"uri":"gs://my-inputs/cats/17.jpg"}}"""));

        var image = (ImageInput)result.Job!.Inputs["x"];
        Assert.Multiple(() =>
        {
            Assert.That(image.Uri, Is.EqualTo("gs://my-inputs/cats/17.jpg"));
            Assert.That(image.Encoded.IsEmpty, Is.True);
        });
    }

    [Test]
    public void Parse_ImageB64_DecodesTheBytes()
    {
        byte[] bytes = [0x89, 0x50, 0x4E, 0x47, 1, 2, 3];

        var result = Parse(WithInput("{\"image\":{\"b64\":\"" + Convert.ToBase64String(bytes) + "\"}}"));

        var image = (ImageInput)result.Job!.Inputs["x"];
        Assert.Multiple(() =>
        {
            Assert.That(image.Uri, Is.Null);
            Assert.That(image.Encoded.ToArray(), Is.EqualTo(bytes));
        });
    }

    [TestCase("""{"image":{"uri":"gs://b/o","b64":"AA=="}}""", JobErrorCode.InvalidJson, "input 'x': 'image' takes 'uri' or 'b64', not both")]
    [TestCase("""{"image":{}}""", JobErrorCode.InvalidJson, "input 'x': 'image' needs 'uri' or 'b64'")]
    [TestCase("""{"image":"gs://b/o"}""", JobErrorCode.InvalidJson, "input 'x': 'image' must be an object with 'uri' or 'b64', got a string")]
    [TestCase("""{"image":{"url":"gs://b/o"}}""", JobErrorCode.InvalidJson, "input 'x': unknown image field 'url'; 'image' has 'uri' or 'b64'")]
    [TestCase("""{"image":{"uri":5}}""", JobErrorCode.InvalidJson, "input 'x': image 'uri' must be a string, got a number")]
    [TestCase("""{"image":{"b64":true}}""", JobErrorCode.InvalidJson, "input 'x': image 'b64' must be a base64 string, got a boolean")]
    [TestCase("""{"image":{"uri":"gs://b/o","uri":"gs://b/p"}}""", JobErrorCode.InvalidJson, "input 'x': image 'uri' appears twice")]
    [TestCase("""{"image":{"b64":"not base64!"}}""", JobErrorCode.DecodeFailed, "input 'x': image 'b64' is not valid base64")]
    [TestCase(
        """{"dtype":"uint8","image":{"uri":"gs://b/o"}}""",
        JobErrorCode.InvalidJson,
        "input 'x': 'image' cannot be combined with 'dtype' (a tensor has 'dtype', 'shape' and 'data' or 'b64'; an image has 'image')")]
    [TestCase("""{"image":{"uri":"gs://b/o"},"image":{"uri":"gs://b/o"}}""", JobErrorCode.InvalidJson, "input 'x' has two 'image' fields")]
    public void Parse_BadImage_ReturnsCodeAndExactMessage(string input, JobErrorCode code, string message)
    {
        var result = Parse(WithInput(input));

        Assert.That(result.Error, Is.EqualTo(new JobError(code, message)));
    }

    [Test]
    public void Parse_RawPng_IsTheImageForThePipelinesImageInput()
    {
        byte[] data = [0x89, 0x50, 0x4E, 0x47, 9, 9];

        var result = Parse(data, new Dictionary<string, string> { ["content-type"] = "image/png" });

        Assert.Multiple(() =>
        {
            Assert.That(result.Job?.Id.Value, Is.EqualTo(MessageId));
            Assert.That(result.Job?.Inputs, Is.Empty);
            Assert.That(result.Job?.RawImage?.Encoded.ToArray(), Is.EqualTo(data));
        });
    }

    [TestCase("image/jpeg")]
    [TestCase("image/webp")]
    [TestCase("Image/PNG; name=cat.png")]
    public void Parse_RawImageContentTypes_AreAccepted(string contentType)
    {
        var result = Parse([1, 2, 3], new Dictionary<string, string> { ["content-type"] = contentType });

        Assert.That(result.Job?.RawImage, Is.Not.Null);
    }

    [Test]
    public void Parse_RawImageWithJobIdAttribute_UsesThatId()
    {
        var result = Parse([1], new Dictionary<string, string> { ["content-type"] = "image/jpeg", ["job-id"] = "cams/7/0001" });

        Assert.That(result.Job?.Id.Value, Is.EqualTo("cams/7/0001"));
    }

    [Test]
    public void Parse_RawImageWithInvalidJobIdAttribute_ReturnsInvalidIdNamedByTheMessageId()
    {
        var result = Parse([1], new Dictionary<string, string> { ["content-type"] = "image/jpeg", ["job-id"] = "../up" });

        Assert.Multiple(() =>
        {
            Assert.That(
                result.Error,
                Is.EqualTo(new JobError(
                    JobErrorCode.InvalidId, "attribute 'job-id': job id has a '..' path segment at position 0; '.' and '..' segments are not allowed")));
            Assert.That(result.ResultId.Value, Is.EqualTo(MessageId));
        });
    }

    [Test]
    public void Parse_RawImageOverTheLimit_ReturnsTooLargeNamedByTheJobId()
    {
        var result = Parse(
            new byte[100],
            new Dictionary<string, string> { ["content-type"] = "image/jpeg", ["job-id"] = "big" },
            new JobParserOptions { MaxMessageBytes = 99 });

        Assert.Multiple(() =>
        {
            Assert.That(result.Error?.Code, Is.EqualTo(JobErrorCode.TooLarge));
            Assert.That(result.ResultId.Value, Is.EqualTo("big"));
        });
    }

    [Test]
    public void Parse_JsonContentTypeWithCharset_IsTheJsonForm()
    {
        var result = Parse(
            Encoding.UTF8.GetBytes("""{"inputs":{}}"""),
            new Dictionary<string, string> { ["content-type"] = "application/json; charset=utf-8", ["job-id"] = "ignored" });

        Assert.Multiple(() =>
        {
            Assert.That(result.Job?.Inputs, Is.Empty);
            Assert.That(result.Job?.Id.Value, Is.EqualTo(MessageId));
        });
    }

    [Test]
    public void Parse_UnknownContentType_ReturnsInvalidJsonNamingTheSupportedOnes()
    {
        var result = Parse([1], new Dictionary<string, string> { ["content-type"] = "image/gif" });

        Assert.That(
            result.Error,
            Is.EqualTo(new JobError(
                JobErrorCode.InvalidJson,
                "content-type 'image/gif' is not supported; use application/json (or no content-type) for JSON jobs, image/jpeg, image/png or image/webp for raw images")));
    }
}
