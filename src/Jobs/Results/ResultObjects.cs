namespace PullWorker.Jobs.Results;

/// <summary>
/// The names of result objects under a results prefix, in both layouts (docs/jobs-and-results.md, "Where results
/// go"): the worker writes these names and readers find results by them.
/// </summary>
public static class ResultObjects
{
    /// <summary>The object layout: <c>{results}{id}.json</c>.</summary>
    public const string JobExtension = ".json";

    /// <summary>The batch layout: <c>{results}batches/{name}.jsonl</c>.</summary>
    public const string BatchFolder = "batches/";

    public const string BatchExtension = ".jsonl";

    /// <summary><c>gs://b/results</c> means the <c>results/</c> folder, as a user would expect.</summary>
    public static GcsUri AsFolder(GcsUri results)
    {
        ArgumentNullException.ThrowIfNull(results);
        return results.ObjectName.Length == 0 || results.ObjectName.EndsWith('/')
            ? results
            : new GcsUri(results.Bucket, results.ObjectName + "/");
    }

    /// <summary>
    /// Where the result of job <paramref name="id"/> goes under <paramref name="folder"/>. A <see cref="JobId"/> has
    /// no empty, <c>.</c> or <c>..</c> segment and only URL-safe characters, so the name always stays under it.
    /// </summary>
    public static GcsUri ForJob(GcsUri folder, JobId id)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(id);
        return new GcsUri(folder.Bucket, folder.ObjectName + id.Value + JobExtension);
    }

    /// <summary>The batch object <paramref name="name"/> under <paramref name="folder"/>.</summary>
    public static GcsUri ForBatch(GcsUri folder, string name)
    {
        ArgumentNullException.ThrowIfNull(folder);
        return new GcsUri(folder.Bucket, $"{folder.ObjectName}{BatchFolder}{name}{BatchExtension}");
    }
}
