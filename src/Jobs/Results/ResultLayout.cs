namespace PullWorker.Jobs.Results;

/// <summary><c>Worker:ResultLayout</c>: how result documents are laid out under <c>Worker:Results</c>.</summary>
public enum ResultLayout
{
    /// <summary>One object per job, <c>{results}{id}.json</c>: one Class A operation per job.</summary>
    Object,

    /// <summary>
    /// One JSONL object per group of results that complete together (a device batch),
    /// <c>{results}batches/{name}.jsonl</c>: one Class A operation per group. A redelivered job may appear again
    /// in a later object; readers keep one line per <c>id</c>.
    /// </summary>
    Batch,
}
