using System.Globalization;
using PullWorker.Emulator.Storage.Errors;

namespace PullWorker.Emulator.Storage.Uploads;

/// <summary>
/// The <c>Content-Range</c> of a resumable upload request. Forms: <c>bytes a-b/total</c> and
/// <c>bytes a-b/*</c> (a chunk), <c>bytes a-*/total</c> and <c>bytes a-*/*</c> (the rest of the object,
/// streamed in this body; the Node client sends these), <c>bytes */total</c> and <c>bytes */*</c> (a status
/// query, or completion when total equals what was received).
/// </summary>
internal sealed record ContentRange(long? First, long? Last, long? Total)
{
    /// <summary>A PUT without Content-Range carries the whole object.</summary>
    public static ContentRange WholeObject { get; } = new(0, null, null);

    public bool IsStatusQuery => First is null;

    /// <summary>The body runs to the end of the object.</summary>
    public bool IsRest => First is not null && Last is null;

    /// <exception cref="StorageException">400 for anything else.</exception>
    public static ContentRange Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return WholeObject;
        }

        var text = header.Trim();
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (!text.StartsWith("bytes ", StringComparison.OrdinalIgnoreCase) || slash < 0)
        {
            throw Invalid(header);
        }

        var span = text[6..slash].Trim();
        var total = ParseOptional(text[(slash + 1)..].Trim(), header);
        if (span == "*")
        {
            return new ContentRange(null, null, total);
        }

        var dash = span.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0)
        {
            throw Invalid(header);
        }

        var first = ParseOptional(span[..dash], header) ?? throw Invalid(header);
        var last = ParseOptional(span[(dash + 1)..], header);
        if (last < first || last >= total)
        {
            throw Invalid(header);
        }

        return new ContentRange(first, last, total);
    }

    private static long? ParseOptional(string text, string header) =>
        text == "*" ? null
        : long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : throw Invalid(header);

    private static StorageException Invalid(string header) =>
        StorageException.Invalid($"Failed to parse Content-Range header: '{header}'.");
}
