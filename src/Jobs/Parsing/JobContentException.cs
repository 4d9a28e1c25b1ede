namespace PullWorker.Jobs.Parsing;

/// <summary>
/// Carries a job's own fault out of the nested JSON reading code to <see cref="JobParser"/>, which turns it into a
/// result; it never leaves the parser. Thrown only for bad input, which is rare next to good input.
/// </summary>
internal sealed class JobContentException : Exception
{
    public JobContentException(JobErrorCode code, string message)
        : base(message) => Error = new JobError(code, message);

    /// <summary>An <c>invalid_json</c> fault found by a lower layer (bad UTF-8, for instance).</summary>
    public JobContentException(string message, Exception innerException)
        : base(message, innerException) => Error = new JobError(JobErrorCode.InvalidJson, message);

    public JobError Error { get; }
}
