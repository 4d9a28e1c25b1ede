namespace PullWorker.Emulator.Storage.Store;

/// <summary>The objects.list parameters the emulator honours.</summary>
internal sealed record ListQuery(string Prefix, string? Delimiter, int MaxResults, string? PageToken)
{
    /// <summary>Google's page size when none is given, and the most it returns in one page.</summary>
    public const int MaxPageSize = 1000;
}

/// <summary>
/// One page of a listing. With a delimiter, names that continue past it collapse into one
/// <see cref="Prefixes"/> entry; items and prefixes together count against <c>maxResults</c>.
/// </summary>
internal sealed record ObjectPage(IReadOnlyList<ObjectEntry> Items, IReadOnlyList<string> Prefixes, string? NextPageToken);
