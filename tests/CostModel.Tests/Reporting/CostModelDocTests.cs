using System.Text.RegularExpressions;
using PullWorker.CostModel.Inputs;
using PullWorker.CostModel.Reporting;

namespace PullWorker.CostModel.Tests.Reporting;

/// <summary>
/// docs/cost-model.md shows the program's output and lists the public facts it rests on (S1, S2, ...): the output it
/// shows must be what the program prints, and every source id the program, its code or the document cites must be
/// listed there, and every listed one cited.
/// </summary>
public sealed partial class CostModelDocTests
{
    private const string ResultsHeading = "## Results of one run";
    private const string SourcesHeading = "## Sources";

    [Test]
    public void ResultsSection_IsWhatTheProgramPrintsWithDefaultInputs()
    {
        var shown = CodeBlockAfter(Document(), ResultsHeading);

        Assert.That(
            shown, Is.EqualTo(ReportWithDefaults().TrimEnd('\n') + "\n"),
            "the block under '## Results of one run' in docs/cost-model.md: paste the output of `dotnet run -c Release --project bench/CostModel` there");
    }

    [Test]
    public void SourceIds_CitedByReportCodeAndDocument_AreExactlyTheListedSources()
    {
        var document = Document();
        var sourcesAt = document.IndexOf("\n" + SourcesHeading + "\n", StringComparison.Ordinal);
        Assert.That(sourcesAt, Is.GreaterThan(0), "docs/cost-model.md has a Sources section");
        var listed = SourceRow().Matches(document[sourcesAt..]).Select(match => match.Groups[1].Value).ToHashSet();

        var code = Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "bench", "CostModel"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText);
        var cited = code.Append(ReportWithDefaults()).Append(document[..sourcesAt])
            .SelectMany(text => CitedIds(text))
            .ToHashSet();

        Assert.Multiple(() =>
        {
            Assert.That(listed, Has.Count.GreaterThanOrEqualTo(10), "the Sources table was found");
            Assert.That(cited.Where(id => !listed.Contains(id)), Is.Empty, "cited but missing from the Sources section");
            Assert.That(listed.Where(id => !cited.Contains(id)), Is.Empty, "listed in the Sources section but cited nowhere");
        });
    }

    /// <summary>
    /// Single ids (S4), and the two ends of a range (S1-S15): a range that names them all cites none of the others,
    /// or a source nothing uses would pass as cited.
    /// </summary>
    private static IEnumerable<string> CitedIds(string text) =>
        SourceCitation().Matches(text).SelectMany(match => match.Groups.Values.Skip(1).Where(group => group.Success).Select(group => "S" + group.Value));

    private static string ReportWithDefaults()
    {
        using var output = new StringWriter { NewLine = "\n" };
        Report.Write(output, new CostModelOptions());
        return output.ToString();
    }

    private static string CodeBlockAfter(string document, string heading)
    {
        var headingAt = document.IndexOf("\n" + heading, StringComparison.Ordinal);
        Assert.That(headingAt, Is.GreaterThan(0), $"docs/cost-model.md has '{heading}'");
        var open = document.IndexOf("\n```\n", headingAt, StringComparison.Ordinal) + "\n```\n".Length;
        var close = document.IndexOf("\n```\n", open - 1, StringComparison.Ordinal);
        return document[open..(close + 1)];
    }

    private static string Document() =>
        File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "cost-model.md")).ReplaceLineEndings("\n");

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Worker.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no Worker.sln above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"^\| (S\d+) \|", RegexOptions.Multiline)]
    private static partial Regex SourceRow();

    [GeneratedRegex(@"\bS(\d+)(?:-S(\d+))?\b")]
    private static partial Regex SourceCitation();
}
