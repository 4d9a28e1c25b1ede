namespace PullWorker.Tools.Results;

/// <summary>
/// What <c>results --wait</c> waits for: the ids of a manifest (then missing ids can be named, and results of other
/// ids under the prefix are left out of the count), or just a number of results.
/// </summary>
public sealed class ResultExpectation
{
    private ResultExpectation(IReadOnlySet<string>? ids, int count)
    {
        Ids = ids;
        Count = count;
    }

    /// <summary>The expected ids; null when only a count is expected.</summary>
    public IReadOnlySet<string>? Ids { get; }

    public int Count { get; }

    public static ResultExpectation Of(int count) =>
        count > 0 ? new ResultExpectation(null, count) : throw new ArgumentException("--expect must be at least 1");

    public static ResultExpectation Of(IEnumerable<string> ids)
    {
        var set = ids.ToHashSet(StringComparer.Ordinal);
        return set.Count > 0 ? new ResultExpectation(set, set.Count) : throw new ArgumentException("the manifest lists no ids");
    }

    /// <summary>Reads a manifest <c>submit --manifest</c> wrote: one id per line, blank lines ignored.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static async Task<ResultExpectation> ReadManifestAsync(string path, CancellationToken cancellationToken)
    {
        var lines = await File.ReadAllLinesAsync(path, cancellationToken);
        var ids = lines.Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        return ids.Count > 0 ? Of(ids) : throw new ArgumentException($"{path}: the manifest lists no ids");
    }
}
