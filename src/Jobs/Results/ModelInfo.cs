namespace PullWorker.Jobs.Results;

/// <summary>Which model produced a result: its configured name and the SHA-256 (hex) of its file.</summary>
public sealed record ModelInfo(string Name, string Sha256);
