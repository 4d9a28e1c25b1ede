namespace PullWorker.Emulator.Storage;

/// <summary>An object as a test sees it through the emulator's hooks: its live generation and its bytes.</summary>
public sealed record StoredObject(
    string Bucket,
    string Name,
    long Generation,
    string ContentType,
    IReadOnlyDictionary<string, string> Metadata,
    ReadOnlyMemory<byte> Data);
