using System.Diagnostics.CodeAnalysis;

namespace PullWorker.Jobs.Parsing;

/// <summary>
/// What <see cref="JobParser.Parse"/> made of a message: the job, or the error to write as its result.
/// <see cref="ResultId"/> names the result object either way.
/// </summary>
public sealed class JobParseResult
{
    private JobParseResult(JobId resultId, ParsedJob? job, JobError? error)
    {
        ResultId = resultId;
        Job = job;
        Error = error;
    }

    /// <summary>
    /// The id that names the result: the job's id when it had a valid one (even if something else was wrong),
    /// otherwise the Pub/Sub message ID.
    /// </summary>
    public JobId ResultId { get; }

    [MemberNotNullWhen(true, nameof(Job))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Job is not null;

    public ParsedJob? Job { get; }

    public JobError? Error { get; }

    internal static JobParseResult Parsed(ParsedJob job) => new(job.Id, job, null);

    internal static JobParseResult Failed(JobId resultId, JobError error) => new(resultId, null, error);
}
