using PullWorker.Deployment.Tests.Infrastructure;

namespace PullWorker.Deployment.Tests;

/// <summary>
/// Runs the scripts for real against a stand-in gcloud that records every call: on an empty project
/// they send exactly what --dry-run printed, and on a fully deployed one they create nothing.
/// </summary>
public sealed class IdempotenceTests
{
    // Commands that converge state and are safe to repeat; anything else on a second run is a bug.
    private static readonly string[] RepeatableCommands =
    [
        "gcloud services enable ",
        "gcloud pubsub subscriptions update ",
        "gcloud storage buckets update ",
        "gcloud compute networks subnets update ",
        "gcloud compute instance-groups managed set-instance-template ",
        "gcloud compute instance-groups managed update ",
        "gcloud compute instance-groups managed set-autoscaling ",
    ];

    private InfraScripts _scripts = null!;

    public static IEnumerable<string> SetupScripts() => DryRunTests.SetupScripts();

    [SetUp]
    public void SetUp() => _scripts = new InfraScripts();

    [TearDown]
    public void TearDown() => _scripts.Dispose();

    [TestCaseSource(nameof(SetupScripts))]
    [CancelAfter(60_000)]
    public async Task Script_OnEmptyProject_SendsWhatTheDryRunPrinted(string script, CancellationToken cancellationToken)
    {
        var dryRun = await _scripts.RunAsync(script, ["--dry-run"], cancellationToken);

        var live = await _scripts.RunAsync(script, [], cancellationToken, fakeCloud: FakeCloud.Nothing);

        Assert.That(live.ExitCode, Is.Zero, live.Describe());
        Assert.That(Mutations(_scripts.ReadCallLog()), Is.EqualTo(Lines(dryRun.StandardOutput)));
    }

    [TestCaseSource(nameof(SetupScripts))]
    [CancelAfter(60_000)]
    public async Task Script_OnDeployedProject_OnlyRepeatsConvergingCommands(string script, CancellationToken cancellationToken)
    {
        var live = await _scripts.RunAsync(script, [], cancellationToken, fakeCloud: FakeCloud.Everything);

        Assert.That(live.ExitCode, Is.Zero, live.Describe());
        var unexpected = Mutations(_scripts.ReadCallLog())
            .Where(command => !RepeatableCommands.Any(command.StartsWith) && !command.Contains(" add-iam-policy-binding ", StringComparison.Ordinal));
        Assert.That(unexpected, Is.Empty);
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Teardown_OnEmptyProject_DeletesNothing(CancellationToken cancellationToken)
    {
        var live = await _scripts.RunAsync("teardown.sh", ["--delete-buckets", "--delete-images"], cancellationToken, fakeCloud: FakeCloud.Nothing);

        Assert.That(live.ExitCode, Is.Zero, live.Describe());
        Assert.That(Mutations(_scripts.ReadCallLog()), Is.Empty);
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task DescribeFailingForAnotherReason_StopsTheScript(CancellationToken cancellationToken)
    {
        // PERMISSION_DENIED is not "absent": creating blindly would hide the real problem.
        var overrides = new Dictionary<string, string> { ["FAKE_GCLOUD_STATE"] = "denied" };
        var live = await _scripts.RunAsync("10-pubsub.sh", [], cancellationToken, overrides, FakeCloud.Nothing);

        Assert.Multiple(() =>
        {
            Assert.That(live.ExitCode, Is.Not.Zero);
            Assert.That(live.StandardError, Does.Contain("could not tell whether the resource exists"));
            Assert.That(Mutations(_scripts.ReadCallLog()), Is.Empty);
        });
    }

    private static List<string> Mutations(IEnumerable<string> calls) =>
        calls.Where(call => !call.Contains(" describe ", StringComparison.Ordinal)
                            && !call.Contains(" list ", StringComparison.Ordinal)
                            && !call.Contains(" get-iam-policy ", StringComparison.Ordinal))
            .ToList();

    private static List<string> Lines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
}
