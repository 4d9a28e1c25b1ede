using PullWorker.Jobs.Results;
using PullWorker.Worker.Cli.Shared;

namespace PullWorker.Worker.Cli.Results;

/// <summary>The result documents found under a prefix, and the objects there that are not result documents.</summary>
/// <param name="Unreadable">Objects that failed to parse, as "name: problem".</param>
public sealed record ResultSet(IReadOnlyList<JobResult> Results, IReadOnlyList<string> Unreadable)
{
    public ResultStatistics Statistics { get; } = ResultStatistics.From([.. Results]);
}
