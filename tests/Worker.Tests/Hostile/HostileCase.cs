using PullWorker.Jobs;

namespace PullWorker.Worker.Tests.Hostile;

/// <summary>Which of the two workers a case goes to.</summary>
internal enum HostileTarget
{
    /// <summary>A pipeline with an int64 tensor, a float32 tensor and an image input: JSON jobs.</summary>
    Mixed,

    /// <summary>A pipeline with a single image input: raw image messages.</summary>
    Raw,
}

/// <summary>One generated message and the answer the worker owes it.</summary>
/// <param name="Kind">The family it belongs to, named in failure messages.</param>
/// <param name="Target">The worker it is published to.</param>
/// <param name="Data">The message data.</param>
/// <param name="Attributes">The message attributes, if any.</param>
/// <param name="ResultId">The id its result must carry; null when the Pub/Sub message ID names it.</param>
/// <param name="ExpectedCode">The error code it must get; null when it must succeed.</param>
/// <param name="MessageFragments">The error message must contain one of these (ignoring case).</param>
/// <param name="ExpectedSum">For a valid mixed job: the sum of its <c>x</c> input, which the model returns.</param>
internal sealed record HostileCase(
    string Kind,
    HostileTarget Target,
    byte[] Data,
    IReadOnlyDictionary<string, string>? Attributes,
    string? ResultId,
    JobErrorCode? ExpectedCode,
    IReadOnlyList<string> MessageFragments,
    long? ExpectedSum = null);

/// <summary>What is kept of a case once it is published: everything but its bytes, plus where its result goes.</summary>
internal sealed record HostileExpectation(HostileCase Case, string MessageId)
{
    /// <summary>The id the result object is named by.</summary>
    public string ResultName => Case.ResultId ?? MessageId;
}
