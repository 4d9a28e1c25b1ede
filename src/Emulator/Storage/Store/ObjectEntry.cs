namespace PullWorker.Emulator.Storage.Store;

/// <summary>
/// The live generation of one object: everything the JSON API reports about it except its bytes, which
/// the <see cref="IObjectStore"/> keeps. Immutable: a new upload or a metadata change makes a new entry.
/// </summary>
internal sealed record ObjectEntry(
    string Bucket,
    string Name,
    long Generation,
    long Metageneration,
    string ContentType,
    IReadOnlyDictionary<string, string> Metadata,
    long Size,
    string Md5Hash,
    string Crc32c,
    DateTimeOffset TimeCreated,
    DateTimeOffset Updated);
