namespace PullWorker.Emulator.Storage.Store;

/// <summary>
/// What an upload asks to store: the bytes, their declared type and custom metadata, and the hashes the
/// client says they have (checked before anything is written, as Google does).
/// </summary>
internal sealed record ObjectDraft(
    string Name,
    string ContentType,
    IReadOnlyDictionary<string, string> Metadata,
    ReadOnlyMemory<byte> Data)
{
    public const string DefaultContentType = "application/octet-stream";

    public ClientHashes Expected { get; init; } = ClientHashes.None;
}

/// <summary>Base64 MD5 and big-endian CRC32C a client computed and sent along, either possibly absent.</summary>
internal sealed record ClientHashes(string? Md5Hash, string? Crc32c)
{
    public static ClientHashes None { get; } = new(null, null);
}
