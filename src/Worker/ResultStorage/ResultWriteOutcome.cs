namespace PullWorker.Worker.ResultStorage;

public enum ResultWriteOutcome
{
    /// <summary>This call created the result object.</summary>
    Written,

    /// <summary>
    /// The object already existed (412 on <c>ifGenerationMatch=0</c>): the job was completed before, by an earlier
    /// delivery or by an earlier attempt of this very write whose response was lost. It was left untouched.
    /// </summary>
    AlreadyExisted,
}
