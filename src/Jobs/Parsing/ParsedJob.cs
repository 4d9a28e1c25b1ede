namespace PullWorker.Jobs.Parsing;

/// <summary>
/// A job that is well-formed by itself (docs/jobs-and-results.md, "A job"): a valid id and its inputs. In the JSON form the inputs
/// are named; in the raw form there is a single <see cref="RawImage"/> for the pipeline's image input.
/// </summary>
public sealed class ParsedJob
{
    private ParsedJob(JobId id, IReadOnlyDictionary<string, JobInput> inputs, ImageInput? rawImage)
    {
        Id = id;
        Inputs = inputs;
        RawImage = rawImage;
    }

    public JobId Id { get; }

    /// <summary>The JSON form's inputs by name, in the order the job listed them; empty in the raw form.</summary>
    public IReadOnlyDictionary<string, JobInput> Inputs { get; }

    /// <summary>The raw form's image, meant for the pipeline's single image input; null in the JSON form.</summary>
    public ImageInput? RawImage { get; }

    public static ParsedJob FromInputs(JobId id, IReadOnlyDictionary<string, JobInput> inputs)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(inputs);
        return new ParsedJob(id, inputs, null);
    }

    public static ParsedJob FromRawImage(JobId id, ImageInput image)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(image);
        return new ParsedJob(id, new Dictionary<string, JobInput>(StringComparer.Ordinal), image);
    }
}
