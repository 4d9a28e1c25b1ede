using PullWorker.Jobs.Results;
using PullWorker.Tools.Shared;

namespace PullWorker.Tools.Results;

/// <summary>The result documents found under a prefix (one per job id), and the objects there that are not result documents.</summary>
/// <param name="Unreadable">Objects (or lines of batch objects) that failed to parse, as "name: problem".</param>
/// <param name="DuplicatesDropped">Further results for an id already seen (a redelivered job in the batch layout).</param>
public sealed record ResultSet(IReadOnlyList<JobResult> Results, IReadOnlyList<string> Unreadable, int DuplicatesDropped = 0)
{
    public ResultStatistics Statistics { get; } = ResultStatistics.From([.. Results]);
}
