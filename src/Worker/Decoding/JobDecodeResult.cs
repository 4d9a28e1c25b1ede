using System.Diagnostics.CodeAnalysis;
using PullWorker.Inference.Batching;
using PullWorker.Jobs;

namespace PullWorker.Worker.Decoding;

/// <summary>A job turned into pipeline inputs, or the error to write as its result.</summary>
public sealed class JobDecodeResult
{
    private JobDecodeResult(InferenceItem? item, JobError? error)
    {
        Item = item;
        Error = error;
    }

    [MemberNotNullWhen(true, nameof(Item))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Item is not null;

    public InferenceItem? Item { get; }

    public JobError? Error { get; }

    public static JobDecodeResult Decoded(InferenceItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new JobDecodeResult(item, null);
    }

    public static JobDecodeResult Failed(JobError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new JobDecodeResult(null, error);
    }

    public static JobDecodeResult Failed(JobErrorCode code, string message) => Failed(new JobError(code, message));
}
