using System.Globalization;
using System.Text.RegularExpressions;
using PullWorker.Deployment.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace PullWorker.Deployment.Tests;

/// <summary>
/// The instance template as infra/70-template.sh renders it for the test configuration: the fields
/// that make it a Spot GPU worker without an external IP, and a startup script that runs the
/// configured image and stops it gracefully.
/// </summary>
public sealed partial class InstanceTemplateTests
{
    // InstanceTemplate.properties fields of the Compute REST API this template may use; gcloud's
    // import rejects unknown fields, so a typo here would only show at deploy time.
    private static readonly string[] KnownPropertyFields =
    [
        "machineType", "guestAccelerators", "scheduling", "disks", "networkInterfaces", "serviceAccounts",
        "shieldedInstanceConfig", "tags", "labels", "metadata", "canIpForward", "description",
        "minCpuPlatform", "reservationAffinity", "resourcePolicies", "confidentialInstanceConfig",
    ];

    private static readonly IReadOnlyDictionary<string, string> Config = InfraScripts.TestConfig;

    private InfraScripts _scripts = null!;
    private YamlMappingNode _properties = null!;
    private string _startupScript = null!;
    private Dictionary<string, string> _workerEnv = null!;

    [OneTimeSetUp]
    public async Task RenderTemplate()
    {
        _scripts = new InfraScripts();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var result = await _scripts.RunAsync("70-template.sh", ["--dry-run"], timeout.Token);
        Assert.That(result.ExitCode, Is.Zero, result.Describe());

        _properties = Yaml.LoadMapping(_scripts.RenderedTemplatePath).Map("properties");
        var metadata = _properties.Map("metadata").Seq("items").Cast<YamlMappingNode>()
            .ToDictionary(item => item.Scalar("key"), item => item.Scalar("value"));
        _startupScript = metadata["startup-script"];
        _workerEnv = metadata["pullworker-env"].Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1]);
    }

    [OneTimeTearDown]
    public void DeleteRendering() => _scripts.Dispose();

    private static string ConfiguredImage =>
        $"{Config["REGION"]}-docker.pkg.dev/{Config["PROJECT"]}/{Config["AR_REPOSITORY"]}/pullworker:{Config["IMAGE_TAG"]}";

    [Test]
    public void Properties_UseOnlyKnownInstanceTemplateFields() =>
        Assert.That(_properties.Keys(), Is.SubsetOf(KnownPropertyFields));

    [Test]
    public void Scheduling_IsSpotDeletedOnPreemptionAndTerminatedOnMaintenance()
    {
        var scheduling = _properties.Map("scheduling");

        Assert.Multiple(() =>
        {
            Assert.That(scheduling.Scalar("provisioningModel"), Is.EqualTo("SPOT"));
            Assert.That(scheduling.Scalar("instanceTerminationAction"), Is.EqualTo("DELETE"));
            Assert.That(scheduling.Scalar("onHostMaintenance"), Is.EqualTo("TERMINATE"));
            Assert.That(scheduling.Scalar("automaticRestart"), Is.EqualTo("false"));
        });
    }

    [Test]
    public void NetworkInterfaces_HaveNoExternalIp()
    {
        var interfaces = _properties.Seq("networkInterfaces").Cast<YamlMappingNode>().ToList();

        Assert.Multiple(() =>
        {
            Assert.That(interfaces, Is.Not.Empty);
            Assert.That(interfaces.Where(i => i.Has("accessConfigs") || i.Has("ipv6AccessConfigs")), Is.Empty);
            Assert.That(interfaces.Select(i => i.Scalar("subnetwork")),
                Is.All.EqualTo($"projects/{Config["PROJECT"]}/regions/{Config["REGION"]}/subnetworks/{Config["SUBNET"]}"));
        });
    }

    [Test]
    public void ShieldedVm_IsFullyEnabled()
    {
        var shielded = _properties.Map("shieldedInstanceConfig");

        Assert.Multiple(() =>
        {
            Assert.That(shielded.Scalar("enableSecureBoot"), Is.EqualTo("true"));
            Assert.That(shielded.Scalar("enableVtpm"), Is.EqualTo("true"));
            Assert.That(shielded.Scalar("enableIntegrityMonitoring"), Is.EqualTo("true"));
        });
    }

    [Test]
    public void ServiceAccount_IsTheDedicatedOneWithTheCloudPlatformScope()
    {
        var account = (YamlMappingNode)_properties.Seq("serviceAccounts").Single();

        Assert.Multiple(() =>
        {
            Assert.That(account.Scalar("email"), Is.EqualTo($"{Config["NAME"]}-worker@{Config["PROJECT"]}.iam.gserviceaccount.com"));
            Assert.That(account.Seq("scopes").Cast<YamlScalarNode>().Select(s => s.Value),
                Is.EqualTo(new[] { "https://www.googleapis.com/auth/cloud-platform" }));
        });
    }

    [Test]
    public void Accelerator_MatchesTheMachineType()
    {
        var machineType = _properties.Scalar("machineType");
        var accelerator = (YamlMappingNode)_properties.Seq("guestAccelerators").Single();
        var type = accelerator.Scalar("acceleratorType");
        var count = int.Parse(accelerator.Scalar("acceleratorCount"), CultureInfo.InvariantCulture);

        Assert.Multiple(() =>
        {
            Assert.That(machineType, Is.EqualTo(Config["MACHINE_TYPE"]));
            if (machineType.StartsWith("g2-", StringComparison.Ordinal))
            {
                var expectedCount = machineType switch
                {
                    "g2-standard-24" => 2,
                    "g2-standard-48" => 4,
                    "g2-standard-96" => 8,
                    _ => 1,
                };
                Assert.That((type, count), Is.EqualTo(("nvidia-l4", expectedCount)));
            }
            else
            {
                Assert.That(machineType, Does.StartWith("n1-"));
                Assert.That(type, Is.EqualTo("nvidia-tesla-t4"));
            }
        });
    }

    [Test]
    public void BootDisk_IsTheConfiguredGpuReadyImage()
    {
        var disk = (YamlMappingNode)_properties.Seq("disks").Single();

        Assert.Multiple(() =>
        {
            Assert.That(disk.Scalar("boot"), Is.EqualTo("true"));
            Assert.That(disk.Scalar("autoDelete"), Is.EqualTo("true"));
            Assert.That(disk.Map("initializeParams").Scalar("sourceImage"), Is.EqualTo(Config["BOOT_IMAGE"]));
            Assert.That(_startupScript, Does.Contain("cos-extensions install gpu"));
        });
    }

    [Test]
    public void Labels_NameTheApp() =>
        Assert.That(_properties.Map("labels").Scalar("app"), Is.EqualTo(Config["NAME"]));

    [Test]
    public void StartupScript_PullsAndRunsTheConfiguredImage()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_startupScript, Does.Contain($"docker pull '{ConfiguredImage}'"));
            Assert.That(ExecStartLine(), Does.EndWith($" {ConfiguredImage}"));
            Assert.That(ExecStartLine(), Does.Contain("--env-file="));
        });
    }

    [Test]
    public void StartupScript_StopsTheContainerNoSoonerThanTheWorkersGrace()
    {
        var stop = DockerStopPattern().Match(_startupScript);
        var grace = TimeSpan.Parse(_workerEnv["Shutdown__Grace"], CultureInfo.InvariantCulture);

        Assert.Multiple(() =>
        {
            Assert.That(stop.Success, Is.True, "no ExecStop=... docker stop --time=N in the startup script");
            Assert.That(int.Parse(stop.Groups["seconds"].Value, CultureInfo.InvariantCulture), Is.GreaterThanOrEqualTo((int)grace.TotalSeconds));
            Assert.That(grace, Is.EqualTo(TimeSpan.FromSeconds(int.Parse(Config["SHUTDOWN_GRACE_SECONDS"], CultureInfo.InvariantCulture))));
        });
    }

    [Test]
    public void WorkerEnvironment_CarriesTheConfiguredKeys()
    {
        var models = Config["MODEL_URIS"].Split(' ');
        var inputs = Config["INPUT_BUCKETS"].Split(' ');

        Assert.Multiple(() =>
        {
            Assert.That(_workerEnv["Worker__Subscription"], Is.EqualTo($"projects/{Config["PROJECT"]}/subscriptions/{Config["NAME"]}-jobs-sub"));
            Assert.That(_workerEnv["Worker__Results"], Is.EqualTo($"gs://{Config["RESULTS_BUCKET"]}/{Config["RESULTS_PREFIX"]}"));
            Assert.That(inputs.Select((bucket, i) => _workerEnv[$"Worker__InputBuckets__{i}"]), Is.EqualTo(inputs), "bare bucket names, as Worker:InputBuckets takes them");
            Assert.That(models.Select((_, i) => _workerEnv[$"Pipeline__Stages__{i}__Model"]), Is.EqualTo(models));
            Assert.That(_workerEnv["Pipeline__Device"], Is.EqualTo("cuda"));
            Assert.That(_workerEnv["Health__Port"], Is.EqualTo(Config["HEALTH_PORT"]));
            Assert.That(_workerEnv["Logging__Format"], Is.EqualTo("json"));
        });
    }

    private string ExecStartLine()
    {
        // The unit's ExecStart spans several lines joined by systemd's trailing backslash.
        var start = _startupScript.IndexOf("ExecStart=", StringComparison.Ordinal);
        var end = _startupScript.IndexOf("\nExecStop=", start, StringComparison.Ordinal);
        return Regex.Replace(_startupScript[start..end], @"\\\\?\n\s*", " ").Trim();
    }

    [GeneratedRegex(@"^ExecStop=\S*docker stop --time=(?<seconds>\d+) ", RegexOptions.Multiline)]
    private static partial Regex DockerStopPattern();
}
