using System.ComponentModel.DataAnnotations;

namespace PullWorker.Jobs.Parsing;

/// <summary>Limits on what one job message may contain; they keep a hostile message cheap to refuse.</summary>
public sealed class JobParserOptions
{
    public const string SectionName = "Jobs";

    /// <summary>Dimensions a tensor's shape may have.</summary>
    public const int MaxRank = 32;

    /// <summary>Characters an input name may have.</summary>
    public const int MaxInputNameLength = 256;

    /// <summary>
    /// The largest message (and so the largest tensor, in bytes) accepted; larger ones get <c>too_large</c>.
    /// Default 10 MiB, the most Pub/Sub delivers anyway.
    /// </summary>
    [Range(1, int.MaxValue, ErrorMessage = "Jobs:MaxMessageBytes must be at least 1 (bytes)")]
    public int MaxMessageBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>The deepest JSON nesting accepted; a job needs 5 levels. Default 64.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "Jobs:MaxDepth must be at least 1")]
    public int MaxDepth { get; set; } = 64;

    /// <summary>The most inputs one job may name. Default 64.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "Jobs:MaxInputs must be at least 1")]
    public int MaxInputs { get; set; } = 64;
}
