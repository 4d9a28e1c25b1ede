namespace PullWorker.Emulator.Storage.Store;

/// <summary>
/// One bucket's live objects, sorted by name for listing. Every access holds <see cref="Gate"/>: a
/// precondition check, the generation it decides on and the write it guards must be one atomic step.
/// </summary>
internal sealed class BucketState(BucketEntry info)
{
    private readonly SortedSet<string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ObjectEntry> _objects = new(StringComparer.Ordinal);

    public BucketEntry Info { get; } = info;

    public Lock Gate { get; } = new();

    public ObjectEntry? Find(string name) => _objects.GetValueOrDefault(name);

    public void Put(ObjectEntry entry)
    {
        _objects[entry.Name] = entry;
        _names.Add(entry.Name);
    }

    public void Remove(string name)
    {
        _objects.Remove(name);
        _names.Remove(name);
    }

    /// <summary>Live objects whose names are at or after <paramref name="from"/>, in name order.</summary>
    public IEnumerable<ObjectEntry> From(string from)
    {
        if (_names.Count == 0 || string.CompareOrdinal(from, _names.Max) > 0)
        {
            return [];
        }

        return _names.GetViewBetween(from, _names.Max!).Select(name => _objects[name]);
    }
}
