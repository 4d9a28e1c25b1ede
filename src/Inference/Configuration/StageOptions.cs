namespace PullWorker.Inference.Configuration;

/// <summary>One user model of the pipeline (<c>Pipeline:Stages:N</c>).</summary>
public sealed class StageOptions
{
    /// <summary>Local path of the ONNX file (the worker downloads <c>gs://</c> models first). Required.</summary>
    public string Model { get; set; } = string.Empty;

    /// <summary>
    /// Renames of this model's inputs: key = the model's input name, value = the tensor feeding it (an earlier
    /// stage's output or a pipeline input). Unmapped inputs are fed by the tensor of the same name. Default: none.
    /// </summary>
    public Dictionary<string, string> Inputs { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Renames of this model's outputs: key = the model's output name, value = the name later stages and the
    /// job's results see. Default: none.
    /// </summary>
    public Dictionary<string, string> Outputs { get; set; } = new(StringComparer.Ordinal);

    /// <summary>A copy that loads <paramref name="model"/> instead, with the same renames.</summary>
    public StageOptions WithModel(string model)
    {
        var copy = (StageOptions)MemberwiseClone();
        copy.Model = model;
        return copy;
    }
}
