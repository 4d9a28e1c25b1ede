using PullWorker.Jobs.Results;

namespace PullWorker.Worker.Options;

/// <summary>Section <c>Worker</c>: where jobs come from and where results go.</summary>
public sealed class WorkerOptions
{
    public const string SectionName = "Worker";

    /// <summary><c>projects/{project}/subscriptions/{name}</c> to pull jobs from. Required.</summary>
    public string Subscription { get; set; } = string.Empty;

    /// <summary><c>Worker:Results</c>: the <c>gs://bucket/prefix/</c> every result object goes under. Required.</summary>
    [ConfigurationKeyName("Results")]
    public string ResultsPrefix { get; set; } = string.Empty;

    /// <summary>
    /// <c>object</c> (default): one result object per job. <c>batch</c>: one JSONL object per device batch under
    /// <c>{results}batches/</c>, far fewer Class A operations; readers keep one line per <c>id</c>.
    /// </summary>
    public ResultLayout ResultLayout { get; set; } = ResultLayout.Object;

    /// <summary>Buckets <c>gs://</c> inputs may be read from; an input elsewhere gets <c>input_forbidden</c>.</summary>
    public List<string> InputBuckets { get; set; } = [];

    /// <summary>
    /// How often <c>gs://</c> stage models are checked for a new generation, which is then loaded beside the old
    /// one, warmed up and switched to between batches. Zero turns the check off. Default one minute.
    /// </summary>
    public TimeSpan ModelPollInterval { get; set; } = TimeSpan.FromMinutes(1);
}
