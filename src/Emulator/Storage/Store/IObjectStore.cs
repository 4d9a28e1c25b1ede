namespace PullWorker.Emulator.Storage.Store;

/// <summary>
/// Where buckets and object bytes live: memory, or a folder a person can browse. The
/// <see cref="StorageCatalog"/> owns the semantics (generations, preconditions, listing) and calls in here
/// while holding the bucket's lock, so a store never sees two writers of one bucket at once.
/// </summary>
internal interface IObjectStore
{
    /// <summary>What the store already holds when the emulator starts (nothing, in memory).</summary>
    StoreContents Load();

    void SaveBucket(BucketEntry bucket);

    /// <summary>Stores the bytes and metadata of a new live generation, replacing the previous one.</summary>
    /// <exception cref="Errors.StorageException">The name cannot be stored (disk mode rules).</exception>
    void SaveObject(ObjectEntry entry, ReadOnlyMemory<byte> data);

    ReadOnlyMemory<byte> ReadObject(ObjectEntry entry);

    void DeleteObject(ObjectEntry entry);
}

/// <summary>Buckets and objects found at start.</summary>
internal sealed record StoreContents(IReadOnlyList<BucketEntry> Buckets, IReadOnlyList<ObjectEntry> Objects)
{
    public static StoreContents Empty { get; } = new([], []);
}
