using PullWorker.Deployment.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace PullWorker.Deployment.Tests;

/// <summary>shellcheck on every script (and on the VM's startup script), yamllint on the YAML.</summary>
public sealed class LintTests
{
    public static IEnumerable<string> Scripts() =>
        Directory.EnumerateFiles(RepositoryPaths.Infra, "*.sh")
            .Select(path => Path.GetRelativePath(RepositoryPaths.Root, path))
            .Order(StringComparer.Ordinal);

    private ProcessResult? _shellcheckAll;

    [TestCaseSource(nameof(Scripts))]
    [CancelAfter(120_000)]
    public async Task Script_PassesShellcheck(string script, CancellationToken cancellationToken)
    {
        // One shellcheck run over every script (it takes a second or two per process); each case
        // then reports the findings for its own file, in gcc format: "path:line:col: level: text".
        _shellcheckAll ??= await ProcessRunner.RunAsync(
            RequiredTool.Find("shellcheck", "shellcheck"),
            ["--external-sources", "--format=gcc", .. Scripts()],
            PathOnly(),
            RepositoryPaths.Root,
            cancellationToken);

        var findings = _shellcheckAll.StandardOutput.Split('\n')
            .Where(line => line.StartsWith(script + ":", StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(findings, Is.Empty);
            Assert.That(_shellcheckAll.StandardError, Is.Empty);
        });
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task RenderedStartupScript_PassesShellcheck(CancellationToken cancellationToken)
    {
        var shellcheck = RequiredTool.Find("shellcheck", "shellcheck");
        using var scripts = new InfraScripts();
        var render = await scripts.RunAsync("70-template.sh", ["--dry-run"], cancellationToken);
        Assert.That(render.ExitCode, Is.Zero, render.Describe());
        var startupScript = Yaml.LoadMapping(scripts.RenderedTemplatePath).Map("properties").Map("metadata").Seq("items")
            .Cast<YamlMappingNode>().Single(item => item.Scalar("key") == "startup-script").Scalar("value");
        var path = Path.Combine(scripts.RenderDirectory, "startup-script.sh");
        await File.WriteAllTextAsync(path, startupScript, cancellationToken);

        var result = await ProcessRunner.RunAsync(shellcheck, [path], PathOnly(), RepositoryPaths.Root, cancellationToken);

        Assert.That(result.ExitCode, Is.Zero, result.Describe());
    }

    [TestCase("instance-template.yaml")]
    [TestCase(".yamllint")]
    [CancelAfter(120_000)]
    public async Task Yaml_PassesYamllintStrict(string file, CancellationToken cancellationToken)
    {
        var yamllint = RequiredTool.Find("yamllint", "yamllint");

        var result = await ProcessRunner.RunAsync(yamllint, ["--strict", file], PathOnly(), RepositoryPaths.Root, cancellationToken);

        Assert.That(result.ExitCode, Is.Zero, result.Describe());
    }

    private static Dictionary<string, string> PathOnly() =>
        new() { ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin" };
}
