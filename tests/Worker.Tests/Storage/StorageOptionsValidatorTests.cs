using Microsoft.Extensions.Options;
using PullWorker.Storage.Options;
using PullWorker.Storage.Tests.TestSupport;

namespace PullWorker.Storage.Tests.Options;

public sealed class StorageOptionsValidatorTests
{
    [Test]
    public void Validate_Defaults_Succeed()
    {
        var result = new StorageOptionsValidator().Validate(null, new StorageOptions());

        Assert.That(result.Succeeded, Is.True, result.FailureMessage);
    }

    [TestCase("ChunkSize", "1000", "Storage:ChunkSize must be a positive multiple of 262144 (256 KiB), got '1000'")]
    [TestCase("WriteConcurrency", "0", "Storage:WriteConcurrency must be at least 1, got '0'")]
    [TestCase("FetchConcurrency", "-1", "Storage:FetchConcurrency must be at least 1, got '-1'")]
    [TestCase("MaxInputBytes", "0", "Storage:MaxInputBytes must be a positive number of bytes, got '0'")]
    [TestCase("RequestTimeout", "00:00:00", "Storage:RequestTimeout must be a positive duration, got '00:00:00'")]
    [TestCase("RetryAttempts", "-2", "Storage:RetryAttempts must be 0 or more, got '-2'")]
    [TestCase("EmulatorHost", "ftp://x:1", "Storage:EmulatorHost must be an http(s)://host:port address, got 'ftp://x:1'")]
    public void GetOptions_InvalidValue_FailsNamingFullKey(string key, string value, string expected)
    {
        using var services = StorageServices.Build(
            emulatorHost: "http://127.0.0.1:1", settings: new Dictionary<string, string?> { [$"Storage:{key}"] = value });

        var error = Assert.Throws<OptionsValidationException>(() => _ = services.Options().Value);

        Assert.That(error.Failures, Is.EqualTo(new[] { expected }));
    }

    [Test]
    public void GetOptions_BareHostPort_AcceptedAsHttp()
    {
        using var services = StorageServices.Build(emulatorHost: "localhost:9023");

        Assert.That(services.Client().Endpoint, Is.EqualTo(new Uri("http://localhost:9023/")));
    }
}
