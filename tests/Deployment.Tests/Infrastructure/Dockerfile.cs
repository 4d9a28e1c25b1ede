using System.Text.RegularExpressions;

namespace PullWorker.Deployment.Tests.Infrastructure;

/// <summary>A Dockerfile read into stages of instructions (continuations joined, comments dropped).</summary>
public sealed partial class Dockerfile
{
    private Dockerfile(IReadOnlyDictionary<string, string> args, IReadOnlyList<Stage> stages)
    {
        Args = args;
        Stages = stages;
    }

    /// <summary>Global ARG defaults (before the first FROM).</summary>
    public IReadOnlyDictionary<string, string> Args { get; }

    public IReadOnlyList<Stage> Stages { get; }

    public Stage Final => Stages[^1];

    public static Dockerfile Load(string path)
    {
        var args = new Dictionary<string, string>(StringComparer.Ordinal);
        var stages = new List<Stage>();
        foreach (var instruction in Instructions(File.ReadAllText(path)))
        {
            var keyword = instruction.Split(' ', 2)[0].ToUpperInvariant();
            var rest = instruction.Length > keyword.Length ? instruction[(keyword.Length + 1)..].Trim() : string.Empty;
            if (keyword == "FROM")
            {
                var from = FromPattern().Match(rest);
                var image = ArgPattern().Replace(from.Groups["image"].Value, m => args.GetValueOrDefault(m.Groups[1].Value, m.Value));
                stages.Add(new Stage(image, from.Groups["name"].Value, []));
            }
            else if (stages.Count == 0 && keyword == "ARG")
            {
                var pair = rest.Split('=', 2);
                args[pair[0]] = pair.Length == 2 ? pair[1] : string.Empty;
            }
            else if (stages.Count > 0)
            {
                stages[^1].Instructions.Add((keyword, rest));
            }
        }

        return new Dockerfile(args, stages);
    }

    private static IEnumerable<string> Instructions(string text)
    {
        var current = string.Empty;
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && current.Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                current += line[..^1].Trim() + " ";
                continue;
            }

            current += line;
            if (current.Length > 0)
            {
                yield return current.Trim();
            }

            current = string.Empty;
        }
    }

    [GeneratedRegex(@"^(?:--platform=\S+\s+)?(?<image>\S+)(?:\s+AS\s+(?<name>\S+))?$", RegexOptions.IgnoreCase)]
    private static partial Regex FromPattern();

    [GeneratedRegex(@"\$\{(\w+)\}")]
    private static partial Regex ArgPattern();

    public sealed record Stage(string Image, string Name, List<(string Keyword, string Arguments)> Instructions)
    {
        public IEnumerable<string> All(string keyword) =>
            Instructions.Where(i => i.Keyword == keyword).Select(i => i.Arguments);
    }
}
