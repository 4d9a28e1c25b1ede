using PullWorker.Deployment.Tests.Infrastructure;

namespace PullWorker.Deployment.Tests;

/// <summary>
/// Every infra script, run with --dry-run against TestData/test-config.env, prints exactly the
/// commands committed in Golden/. A dry run needs no gcloud: the stand-in on PATH fails if called.
/// </summary>
public sealed class DryRunTests
{
    private InfraScripts _scripts = null!;

    public static IEnumerable<TestCaseData> Cases()
    {
        foreach (var script in SetupScripts())
        {
            yield return new TestCaseData(script, Array.Empty<string>(), Path.ChangeExtension(script, ".txt"))
                .SetArgDisplayNames(script);
        }

        yield return new TestCaseData("up.sh", Array.Empty<string>(), "up.txt").SetArgDisplayNames("up.sh");
        yield return new TestCaseData("teardown.sh", Array.Empty<string>(), "teardown.txt")
            .SetArgDisplayNames("teardown.sh");
        yield return new TestCaseData("teardown.sh", new[] { "--delete-buckets", "--delete-images" }, "teardown-delete-data.txt")
            .SetArgDisplayNames("teardown.sh --delete-buckets --delete-images");
    }

    /// <summary>The numbered setup steps, found on disk so a new script cannot go untested.</summary>
    public static IEnumerable<string> SetupScripts() =>
        Directory.EnumerateFiles(RepositoryPaths.Infra, "*.sh")
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => char.IsAsciiDigit(name[0]) && char.IsAsciiDigit(name[1]) && name[2] == '-')
            .Order(StringComparer.Ordinal);

    [SetUp]
    public void SetUp() => _scripts = new InfraScripts();

    [TearDown]
    public void TearDown() => _scripts.Dispose();

    [TestCaseSource(nameof(Cases))]
    [CancelAfter(60_000)]
    public async Task Script_DryRun_PrintsTheGoldenCommands(string script, string[] arguments, string golden, CancellationToken cancellationToken)
    {
        var result = await _scripts.RunAsync(script, ["--dry-run", .. arguments], cancellationToken);

        Assert.That(result.ExitCode, Is.Zero, result.Describe());
        await GoldenFile.AssertMatchesAsync(golden, _scripts.Normalize(result.StandardOutput), cancellationToken);
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task UpDryRun_IsTheStepsInOrder(CancellationToken cancellationToken)
    {
        var expected = string.Empty;
        foreach (var script in SetupScripts())
        {
            expected += (await _scripts.RunAsync(script, ["--dry-run"], cancellationToken)).StandardOutput;
        }

        var up = await _scripts.RunAsync("up.sh", ["--dry-run"], cancellationToken);

        Assert.That(up.StandardOutput, Is.EqualTo(expected));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Template_DryRun_PrintsTheImportOfTheRenderedFile(CancellationToken cancellationToken)
    {
        var result = await _scripts.RunAsync("70-template.sh", ["--dry-run"], cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero, result.Describe());
            Assert.That(File.Exists(_scripts.RenderedTemplatePath), Is.True, "the rendered template is written even in a dry run");
            Assert.That(result.StandardOutput, Does.Contain($"--source={_scripts.RenderedTemplatePath}"));
        });
    }
}
