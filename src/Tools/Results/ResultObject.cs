using System.Text.Json;
using PullWorker.Jobs.Results;
using PullWorker.Tools.Shared;

namespace PullWorker.Tools.Results;

/// <summary>One object under a results prefix, read: the outline of each result document in it, in line order.</summary>
/// <param name="Unreadable">Documents that failed to parse, as "name: problem" or "name line N: problem".</param>
public sealed record ResultObject(string Name, IReadOnlyList<ResultOutline> Results, IReadOnlyList<string> Unreadable)
{
    public static ResultObject Read(string name, ReadOnlyMemory<byte> content)
    {
        var results = new List<ResultOutline>();
        var unreadable = new List<string>();
        foreach (var document in Documents(name, content))
        {
            if (document.Result is { } result)
            {
                results.Add(ResultOutline.Of(result));
            }
            else
            {
                unreadable.Add(document.Problem!);
            }
        }

        return new ResultObject(name, results, unreadable);
    }

    /// <summary>
    /// The result documents in an object of either layout: a name ending in <c>.jsonl</c> holds one per line, any
    /// other object one. Each is parsed whole (outputs included), or is the problem that kept it from parsing.
    /// </summary>
    public static IEnumerable<(JobResult? Result, string? Problem)> Documents(string name, ReadOnlyMemory<byte> content)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!name.EndsWith(ResultObjects.BatchExtension, StringComparison.Ordinal))
        {
            yield return Parse(name, content);
            yield break;
        }

        var number = 0;
        var rest = content;
        while (!rest.IsEmpty)
        {
            number++;
            var end = rest.Span.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? ReadOnlyMemory<byte>.Empty : rest[(end + 1)..];
            if (!line.IsEmpty)
            {
                yield return Parse($"{name} line {number}", line);
            }
        }
    }

    private static (JobResult? Result, string? Problem) Parse(string label, ReadOnlyMemory<byte> document)
    {
        try
        {
            return (JobResult.Parse(document.Span), null);
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            return (null, $"{label}: {e.Message}");
        }
    }
}
