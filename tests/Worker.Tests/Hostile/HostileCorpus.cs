namespace PullWorker.Worker.Tests.Hostile;

/// <summary>
/// The generated corpus: case <c>i</c> depends only on the seed and <c>i</c>, so a failure names a case that can be
/// made again. Every tenth case is valid; the heavy kinds (10 MB messages, a 16 MP image) come once per 500 cases;
/// the malformed kinds take turns in the other slots, so any 500 consecutive cases hold every kind.
/// </summary>
internal static class HostileCorpus
{
    public const int Seed = 20261122;

    private const int HeavyPeriod = 500;

    /// <summary>Every kind the corpus can hold, for coverage checks.</summary>
    public static IEnumerable<string> AllKinds =>
        HostileKinds.Valid.Concat(HostileKinds.Malformed).Append(HostileKinds.FlatGiant).Append(HostileKinds.DeepNesting)
            .Append(HostileKinds.BareNesting).Select(kind => kind.Name);

    /// <summary>Makes cases lazily, so only the ones being published are in memory.</summary>
    public static IEnumerable<HostileCase> Generate(int count, int seed = Seed)
    {
        for (var index = 0; index < count; index++)
        {
            yield return Make(index, seed);
        }
    }

    public static HostileCase Make(int index, int seed = Seed)
    {
        var kind = KindAt(index);
        var random = new Random(unchecked((seed * 1_000_003) + index));
        return kind.Make(random, $"{kind.Name}/{index}");
    }

    private static HostileKind KindAt(int index)
    {
        switch (index % HeavyPeriod)
        {
            case 125:
                return HostileKinds.FlatGiant;
            case 250:
                return HostileKinds.DeepNesting;
            case 499:
                return HostileKinds.BareNesting;
        }

        if (index % 10 == 0)
        {
            return HostileKinds.Valid[(index / 10) % HostileKinds.Valid.Count];
        }

        // The position of this slot among the non-valid slots before it, so the malformed kinds rotate evenly.
        var slot = index - (index / 10) - 1;
        return HostileKinds.Malformed[slot % HostileKinds.Malformed.Count];
    }
}
