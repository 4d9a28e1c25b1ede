using PullWorker.Deployment.Tests.Infrastructure;

namespace PullWorker.Deployment.Tests;

/// <summary>A bad configuration stops every script before any command, with a message naming the key.</summary>
public sealed class ConfigValidationTests
{
    private InfraScripts _scripts = null!;

    public static IEnumerable<TestCaseData> BadConfigurations()
    {
        yield return Case("STOP_TIMEOUT_SECONDS=20 < grace", "STOP_TIMEOUT_SECONDS (20) must be >= SHUTDOWN_GRACE_SECONDS (25)", ("STOP_TIMEOUT_SECONDS", "20"));
        yield return Case("T4 on a G2 shape", "g2-standard-4 carries 'nvidia-l4 1'", ("ACCELERATOR_TYPE", "nvidia-tesla-t4"));
        yield return Case("two L4 on g2-standard-4", "g2-standard-4 carries 'nvidia-l4 1'", ("ACCELERATOR_COUNT", "2"));
        yield return Case("L4 on N1", "use ACCELERATOR_TYPE=nvidia-tesla-t4", ("MACHINE_TYPE", "n1-standard-4"));
        yield return Case("CPU machine type", "is not a supported GPU shape", ("MACHINE_TYPE", "e2-standard-4"));
        yield return Case("model not in GCS", "MODEL_URIS entries must be gs://bucket/object URIs", ("MODEL_URIS", "/models/a.onnx"));
        yield return Case("bucket given as URI", "is not a bucket name", ("RESULTS_BUCKET", "gs://acme"));
        yield return Case("quote in a value", "IMAGE_TAG may only contain", ("IMAGE_TAG", "v1\"x"));
        yield return Case("too few delivery attempts", "MAX_DELIVERY_ATTEMPTS must be between 5 and 100", ("MAX_DELIVERY_ATTEMPTS", "3"));
        yield return Case("missing project", "PROJECT is required", ("PROJECT", ""));
        yield return Case("prefix without slash", "RESULTS_PREFIX must end with '/'", ("RESULTS_PREFIX", "results"));
        yield return Case("extra env not KEY=VALUE", "WORKER_ENV_EXTRA entries must be KEY=VALUE", ("WORKER_ENV_EXTRA", "oops"));
    }

    [SetUp]
    public void SetUp() => _scripts = new InfraScripts();

    [TearDown]
    public void TearDown() => _scripts.Dispose();

    [TestCaseSource(nameof(BadConfigurations))]
    [CancelAfter(60_000)]
    public async Task BadValue_StopsWithAMessageNamingIt(Dictionary<string, string> overrides, string message, CancellationToken cancellationToken)
    {
        var result = await _scripts.RunAsync("70-template.sh", ["--dry-run"], cancellationToken, overrides);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(1));
            Assert.That(result.StandardError, Does.Contain(message));
            Assert.That(result.StandardOutput, Is.Empty);
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task T4OnN1_IsAccepted(CancellationToken cancellationToken)
    {
        var overrides = new Dictionary<string, string>
        {
            ["MACHINE_TYPE"] = "n1-standard-4",
            ["ACCELERATOR_TYPE"] = "nvidia-tesla-t4",
        };

        var result = await _scripts.RunAsync("70-template.sh", ["--dry-run"], cancellationToken, overrides);

        Assert.That(result.ExitCode, Is.Zero, result.Describe());
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task DryRunWithoutProjectNumber_AsksForIt(CancellationToken cancellationToken)
    {
        var overrides = new Dictionary<string, string> { ["PROJECT_NUMBER"] = "" };

        var result = await _scripts.RunAsync("10-pubsub.sh", ["--dry-run"], cancellationToken, overrides);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Not.Zero);
            Assert.That(result.StandardError, Does.Contain("PROJECT_NUMBER is required with --dry-run"));
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task MissingConfigFile_SaysHowToCreateIt(CancellationToken cancellationToken)
    {
        var overrides = new Dictionary<string, string> { ["CONFIG_FILE"] = "/nonexistent/config.env" };

        var result = await _scripts.RunAsync("00-apis.sh", ["--dry-run"], cancellationToken, overrides);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(1));
            Assert.That(result.StandardError, Does.Contain("copy infra/config.env.example to infra/config.env"));
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task UnknownOption_IsRejected(CancellationToken cancellationToken)
    {
        var result = await _scripts.RunAsync("teardown.sh", ["--dry-run", "--delete-everything"], cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(1));
            Assert.That(result.StandardError, Does.Contain("unknown option '--delete-everything'"));
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task EnvironmentValue_OverridesTheConfigFile(CancellationToken cancellationToken)
    {
        var overrides = new Dictionary<string, string> { ["MAX_VMS"] = "17" };

        var result = await _scripts.RunAsync("80-mig.sh", ["--dry-run"], cancellationToken, overrides);

        Assert.That(result.StandardOutput, Does.Contain("--max-num-replicas=17"));
    }

    private static TestCaseData Case(string name, string message, params (string Key, string Value)[] overrides) =>
        new TestCaseData(overrides.ToDictionary(o => o.Key, o => o.Value), message).SetArgDisplayNames(name);
}
