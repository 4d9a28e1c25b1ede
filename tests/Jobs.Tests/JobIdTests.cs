namespace PullWorker.Jobs.Tests;

public sealed class JobIdTests
{
    [TestCase("a")]
    [TestCase("batch-2026-11-22/img-00017")]
    [TestCase("A.b_c-D/e.f/..g/x..")]
    [TestCase("1234567890")]
    [TestCase("...")]
    public void Parse_ValidId_KeepsValue(string value)
    {
        var id = JobId.Parse(value);

        Assert.That(id.Value, Is.EqualTo(value));
    }

    [Test]
    public void Parse_MaxLength_Accepted()
    {
        var value = new string('x', JobId.MaxLength);

        Assert.That(JobId.Parse(value).Value, Has.Length.EqualTo(256));
    }

    [TestCase(null, "job id is empty")]
    [TestCase("", "job id is empty")]
    [TestCase("../x", "job id has a '..' path segment at position 0")]
    [TestCase("a/./b", "job id has a '.' path segment at position 2")]
    [TestCase("a/..", "job id has a '..' path segment at position 2")]
    [TestCase("a//b", "job id has an empty path segment at position 2")]
    [TestCase("a/", "job id has an empty path segment at position 2")]
    [TestCase("/a", "job id must not start with '/'")]
    [TestCase("%2e%2e", "job id contains '%' at position 0")]
    [TestCase("a b", "job id contains ' ' at position 1")]
    [TestCase("a\\b", "job id contains '\\' at position 1")]
    [TestCase("a\nb", "job id contains U+000A at position 1")]
    [TestCase("a\0", "job id contains U+0000 at position 1")]
    [TestCase("caf\u00e9", "job id contains U+00E9 at position 3")]
    [TestCase("x\U0001F600", "job id contains U+1F600 at position 1")]
    [TestCase("a?b#c", "job id contains '?' at position 1")]
    public void TryParse_HostileId_RejectedWithReason(string? value, string expectedMessage)
    {
        var parsed = JobId.TryParse(value, out var id, out var error);

        Assert.Multiple(() =>
        {
            Assert.That(parsed, Is.False);
            Assert.That(id, Is.Null);
            Assert.That(error, Does.StartWith(expectedMessage));
        });
    }

    [Test]
    public void Parse_TooLong_NamesLengthAndLimit()
    {
        var error = Assert.Throws<FormatException>(() => JobId.Parse(new string('x', 257)));

        Assert.That(error.Message, Is.EqualTo("job id is 257 characters long; at most 256 are allowed"));
    }

    [Test]
    public void Equals_SameValue_EqualAndSameHash()
    {
        var a = JobId.Parse("a/b");
        var b = JobId.Parse("a/b");

        Assert.Multiple(() =>
        {
            Assert.That(a, Is.EqualTo(b));
            Assert.That(a == b, Is.True);
            Assert.That(a.GetHashCode(), Is.EqualTo(b.GetHashCode()));
            Assert.That(a, Is.Not.EqualTo(JobId.Parse("a/B")));
        });
    }
}
