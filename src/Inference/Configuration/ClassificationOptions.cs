namespace PullWorker.Inference.Configuration;

/// <summary>
/// The built-in classification postprocessing stage (<c>Pipeline:Postprocessing</c>): present = enabled.
/// Produces <c>probabilities</c> (TopK = 0) or <c>scores</c> + <c>indices</c> (+ <c>labels</c> with a labels file).
/// </summary>
public sealed class ClassificationOptions
{
    /// <summary>Apply softmax over the class axis. Default true.</summary>
    public bool Softmax { get; set; } = true;

    /// <summary>Keep the K best classes; 0 keeps all classes as <c>probabilities</c>. Default 5.</summary>
    public int TopK { get; set; } = 5;

    /// <summary>Local path of a UTF-8 text file with one label per line, line i = class i. Default none.</summary>
    public string? Labels { get; set; }

    /// <summary>The last model's output holding [N, classes] logits. Default: that model's only output.</summary>
    public string? Source { get; set; }
}
