using System.Text.RegularExpressions;
using PullWorker.Deployment.Tests.Infrastructure;

namespace PullWorker.Deployment.Tests;

/// <summary>
/// The repository stands alone: every document a Markdown link or a comment cites is in it. A link that points
/// outside the repository, or at a file that is not there, fails here.
/// </summary>
[TestFixture]
public sealed partial class DocumentReferenceTests
{
    private static readonly string[] SourceExtensions = [".cs", ".sh", ".md", ".csproj", ".props", ".targets", ".yaml", ".mjs"];

    [Test]
    [CancelAfter(30_000)]
    public async Task MarkdownLinks_PointAtFilesInTheRepository(CancellationToken cancellationToken)
    {
        var broken = new List<string>();
        var links = 0;
        foreach (var file in (await TrackedFilesAsync(cancellationToken)).Where(f => f.EndsWith(".md", StringComparison.Ordinal)))
        {
            foreach (Match link in MarkdownLink().Matches(File.ReadAllText(file)))
            {
                var target = link.Groups["target"].Value.Split('#')[0];
                if (target.Length == 0 || target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    continue;
                }

                links++;
                var resolved = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, target));
                if (!resolved.StartsWith(RepositoryPaths.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                    || !(File.Exists(resolved) || Directory.Exists(resolved)))
                {
                    broken.Add($"{Relative(file)}: {target}");
                }
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(links, Is.GreaterThan(10), "the documents' links were found");
            Assert.That(broken, Is.Empty);
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task CitedDocuments_AreInTheRepository(CancellationToken cancellationToken)
    {
        var sources = (await TrackedFilesAsync(cancellationToken)).Where(f => SourceExtensions.Contains(Path.GetExtension(f))).ToList();
        var cited = new List<(string File, string Document)>();
        foreach (var file in sources)
        {
            foreach (Match citation in DocsCitation().Matches(File.ReadAllText(file)))
            {
                cited.Add((Relative(file), citation.Value));
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(cited, Has.Count.GreaterThan(10), "the citations were found");
            Assert.That(
                cited.Where(c => !File.Exists(RepositoryPaths.InRoot(c.Document))).Select(c => $"{c.File}: {c.Document}"),
                Is.Empty);
            Assert.That(
                sources.Where(f => OutsideDocument().IsMatch(File.ReadAllText(f))).Select(Relative),
                Is.Empty,
                "files that cite the design folder beside the repository");
        });
    }

    /// <summary>The files git tracks (what a clone holds), as full paths.</summary>
    private static async Task<List<string>> TrackedFilesAsync(CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.RunAsync(
            "git", ["-C", RepositoryPaths.Root, "ls-files", "-z"], new Dictionary<string, string>(), RepositoryPaths.Root, cancellationToken);
        Assert.That(result.ExitCode, Is.Zero, result.Describe());
        return [.. result.StandardOutput.Split('\0', StringSplitOptions.RemoveEmptyEntries).Select(RepositoryPaths.InRoot).Where(File.Exists)];
    }

    private static string Relative(string path) => Path.GetRelativePath(RepositoryPaths.Root, path);

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    /// <summary>A path such as <c>docs/operations.md</c> or <c>infra/README.md</c> named anywhere in a file.</summary>
    [GeneratedRegex(@"(?<![\w/.-])(?:docs|infra)/[\w/.-]+\.md\b")]
    private static partial Regex DocsCitation();

    // Built from parts so this file does not match itself.
    [GeneratedRegex(@"\.\./" + "shared/|" + "shared/" + "(?:design|seeds)/")]
    private static partial Regex OutsideDocument();
}
