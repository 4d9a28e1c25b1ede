namespace PullWorker.Storage.Client;

/// <summary>An object's metadata as Cloud Storage reports it.</summary>
public sealed record GcsObject(
    string Bucket,
    string Name,
    long Generation,
    long Size,
    string? ContentType,
    IReadOnlyDictionary<string, string> Metadata)
{
    public GcsUri Uri => new(Bucket, Name);
}
