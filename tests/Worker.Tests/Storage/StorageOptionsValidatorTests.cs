using Google.Cloud.Storage.V1;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PullWorker.Worker.Storage;

namespace PullWorker.Worker.Tests.Storage;

public sealed class StorageOptionsValidatorTests
{
    [Test]
    public void Validate_Defaults_Succeed()
    {
        var result = new StorageOptionsValidator().Validate(null, new StorageOptions());

        Assert.That(result.Succeeded, Is.True, result.FailureMessage);
    }

    [TestCase("WriteConcurrency", "0", "Storage:WriteConcurrency must be at least 1, got '0'")]
    [TestCase("FetchConcurrency", "-1", "Storage:FetchConcurrency must be at least 1, got '-1'")]
    [TestCase("MaxInputBytes", "0", "Storage:MaxInputBytes must be a positive number of bytes, got '0'")]
    [TestCase("RequestTimeout", "00:00:00", "Storage:RequestTimeout must be a positive duration, got '00:00:00'")]
    [TestCase("RetryAttempts", "-2", "Storage:RetryAttempts must be 0 to 19, got '-2'")]
    [TestCase("RetryAttempts", "20", "Storage:RetryAttempts must be 0 to 19, got '20'")]
    public void GetOptions_InvalidValue_FailsNamingFullKey(string key, string value, string expected)
    {
        using var services = Build(new Dictionary<string, string?> { [$"Storage:{key}"] = value });

        var error = Assert.Throws<OptionsValidationException>(() => _ = services.GetRequiredService<IOptions<StorageOptions>>().Value);

        Assert.That(error.Failures, Is.EqualTo(new[] { expected }));
    }

    [Test]
    public void Client_BareHostPort_TalksToItOverHttpWithoutCredentials()
    {
        using var services = Build(new Dictionary<string, string?> { ["STORAGE_EMULATOR_HOST"] = "localhost:9023", ["Storage:RetryAttempts"] = "4" });

        var client = services.GetRequiredService<StorageClient>();

        Assert.Multiple(() =>
        {
            Assert.That(client.Service.BaseUri, Is.EqualTo("http://localhost:9023/storage/v1/"));
            Assert.That(client.Service.HttpClient.MessageHandler.NumTries, Is.EqualTo(5));
        });
    }

    [Test]
    public void Client_EmulatorHostNotHttp_FailsNamingTheVariable()
    {
        using var services = Build(new Dictionary<string, string?> { ["STORAGE_EMULATOR_HOST"] = "ftp://x:1" });

        var error = Assert.Throws<StorageSetupException>(() => services.GetRequiredService<StorageClient>());

        Assert.That(error.Message, Is.EqualTo("STORAGE_EMULATOR_HOST must be an http(s)://host:port address, got 'ftp://x:1'"));
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddCloudStorage(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider();
}
