using System.Diagnostics.CodeAnalysis;
using PullWorker.Jobs;

namespace PullWorker.Worker.Inputs;

/// <summary>The bytes of a <c>gs://</c> input, or the job error that explains why the job cannot have them.</summary>
public sealed class InputFetchResult
{
    private InputFetchResult(ReadOnlyMemory<byte> data, JobError? error)
    {
        Data = data;
        Error = error;
    }

    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Error is null;

    public ReadOnlyMemory<byte> Data { get; }

    public JobError? Error { get; }

    public static InputFetchResult Fetched(ReadOnlyMemory<byte> data) => new(data, null);

    public static InputFetchResult Failed(JobErrorCode code, string message) => new(default, new JobError(code, message));
}
