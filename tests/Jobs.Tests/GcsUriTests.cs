namespace PullWorker.Jobs.Tests;

public sealed class GcsUriTests
{
    [TestCase("gs://my-inputs/cats/17.jpg", "my-inputs", "cats/17.jpg")]
    [TestCase("gs://bucket_1.example/a b/ü.json", "bucket_1.example", "a b/ü.json")]
    [TestCase("gs://results/", "results", "")]
    [TestCase("gs://results", "results", "")]
    [TestCase("gs://abc/prefix/", "abc", "prefix/")]
    public void Parse_ValidUri_SplitsBucketAndObject(string value, string bucket, string objectName)
    {
        var uri = GcsUri.Parse(value);

        Assert.Multiple(() =>
        {
            Assert.That(uri.Bucket, Is.EqualTo(bucket));
            Assert.That(uri.ObjectName, Is.EqualTo(objectName));
        });
    }

    [TestCase("gs://my-inputs/cats/17.jpg")]
    [TestCase("gs://abc/prefix/")]
    [TestCase("gs://abc")]
    public void ToString_ParsedUri_RoundTrips(string value) =>
        Assert.That(GcsUri.Parse(value).ToString(), Is.EqualTo(value));

    [TestCase("https://storage.googleapis.com/b/o", "is not a gs:// URI")]
    [TestCase("gs://", "the bucket name is empty")]
    [TestCase("gs://Upper/x", "may contain only lowercase letters, digits")]
    [TestCase("gs://ab/x", "must be 3-63 characters")]
    [TestCase("gs://-abc/x", "must start and end with a letter or digit")]
    [TestCase("gs://192.168.1.1/x", "must not look like an IP address")]
    [TestCase("gs://goog-stuff/x", "must not start with 'goog' or contain 'google'")]
    [TestCase("gs://my-google-bucket/x", "must not start with 'goog' or contain 'google'")]
    [TestCase("gs://abc/a\nb", "carriage return or line feed")]
    [TestCase("gs://abc/..", "'..' is not an allowed object name")]
    [TestCase("gs://abc/.well-known/acme-challenge/x", "is not an allowed object name")]
    public void TryParse_InvalidUri_SaysWhy(string value, string expected)
    {
        var parsed = GcsUri.TryParse(value, out var uri, out var error);

        Assert.Multiple(() =>
        {
            Assert.That(parsed, Is.False);
            Assert.That(uri, Is.Null);
            Assert.That(error, Does.Contain(expected));
        });
    }

    [Test]
    public void Parse_BucketOf64Characters_Rejected()
    {
        var error = Assert.Throws<FormatException>(() => GcsUri.Parse($"gs://{new string('a', 64)}/x"));

        Assert.That(error.Message, Does.Contain("it has 64"));
    }

    [Test]
    public void Constructor_ObjectNameOver1024Bytes_Rejected()
    {
        // 513 two-byte characters: 513 chars, but 1026 bytes of UTF-8.
        var error = Assert.Throws<ArgumentException>(() => _ = new GcsUri("abc", new string('é', 513)));

        Assert.That(error.Message, Does.Contain("longer than 1024 bytes of UTF-8"));
    }
}
