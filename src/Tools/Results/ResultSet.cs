using PullWorker.Tools.Shared;

namespace PullWorker.Tools.Results;

/// <summary>The results found under a prefix (one per job id), and the documents there that are not results.</summary>
/// <param name="Unreadable">Objects (or lines of batch objects) that failed to parse, as "name: problem".</param>
/// <param name="DuplicatesDropped">Further results for an id already seen (a redelivered job in the batch layout).</param>
public sealed record ResultSet(IReadOnlyList<ResultOutline> Results, IReadOnlyList<string> Unreadable, int DuplicatesDropped = 0)
{
    public ResultStatistics Statistics { get; } = ResultStatistics.From(Results);

    /// <summary>
    /// One result per job id from objects of either layout. A job redelivered after a crash may have a line in a later
    /// batch object too (same id and message id): the first by object name (time order in the batch layout) is kept.
    /// </summary>
    public static ResultSet Merge(IEnumerable<ResultObject> objects)
    {
        ArgumentNullException.ThrowIfNull(objects);
        var ordered = objects.OrderBy(o => o.Name, StringComparer.Ordinal).ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var unique = new List<ResultOutline>();
        var duplicates = 0;
        foreach (var result in ordered.SelectMany(o => o.Results))
        {
            if (seen.Add(result.Id.Value))
            {
                unique.Add(result);
            }
            else
            {
                duplicates++;
            }
        }

        return new ResultSet(unique, [.. ordered.SelectMany(o => o.Unreadable).Order(StringComparer.Ordinal)], duplicates);
    }
}
