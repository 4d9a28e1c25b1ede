using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json.Serialization;

namespace PullWorker.Jobs;

/// <summary>
/// A validated job id (docs/jobs-and-results.md, "A job"). It names the job's result object, so every rule here exists to keep
/// that name inside the results prefix: 1-256 characters of <c>A-Z a-z 0-9 . _ - /</c>, no leading <c>/</c>, no
/// empty path segment and no <c>.</c> or <c>..</c> segment. An instance can only be obtained through validation.
/// </summary>
[JsonConverter(typeof(JobIdJsonConverter))]
public sealed class JobId : IEquatable<JobId>
{
    public const int MaxLength = 256;

    private JobId(string value) => Value = value;

    public string Value { get; }

    /// <summary>Validates <paramref name="value"/>.</summary>
    /// <exception cref="FormatException">The value breaks a rule; the message says which one and where.</exception>
    public static JobId Parse(string? value) =>
        TryParse(value, out var id, out var error) ? id : throw new FormatException(error);

    /// <summary>Validates <paramref name="value"/>; on failure <paramref name="error"/> says which rule broke and where.</summary>
    public static bool TryParse(
        string? value, [NotNullWhen(true)] out JobId? id, [NotNullWhen(false)] out string? error)
    {
        error = Validate(value);
        id = error is null ? new JobId(value!) : null;
        return id is not null;
    }

    public bool Equals(JobId? other) => other is not null && string.Equals(Value, other.Value, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as JobId);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    public override string ToString() => Value;

    public static bool operator ==(JobId? left, JobId? right) => left?.Equals(right) ?? right is null;

    public static bool operator !=(JobId? left, JobId? right) => !(left == right);

    private static string? Validate(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "job id is empty; it must be 1-256 characters of A-Z a-z 0-9 . _ - /";
        }

        if (value.Length > MaxLength)
        {
            return string.Create(
                CultureInfo.InvariantCulture,
                $"job id is {value.Length} characters long; at most {MaxLength} are allowed");
        }

        for (var i = 0; i < value.Length; i++)
        {
            if (!IsAllowed(value[i]))
            {
                return string.Create(
                    CultureInfo.InvariantCulture,
                    $"job id contains {Describe(value, i)} at position {i}; only A-Z a-z 0-9 . _ - / are allowed");
            }
        }

        if (value[0] == '/')
        {
            return "job id must not start with '/'";
        }

        var segmentStart = 0;
        for (var i = 0; i <= value.Length; i++)
        {
            if (i < value.Length && value[i] != '/')
            {
                continue;
            }

            var segment = value.AsSpan(segmentStart, i - segmentStart);
            if (segment.IsEmpty)
            {
                return string.Create(
                    CultureInfo.InvariantCulture,
                    $"job id has an empty path segment at position {segmentStart} ('//' or a trailing '/')");
            }

            if (segment is "." or "..")
            {
                return string.Create(
                    CultureInfo.InvariantCulture,
                    $"job id has a '{segment}' path segment at position {segmentStart}; '.' and '..' segments are not allowed");
            }

            segmentStart = i + 1;
        }

        return null;
    }

    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '/';

    // Control and non-ASCII characters are shown as code points so the message itself stays printable.
    private static string Describe(string value, int index)
    {
        var c = value[index];
        if (c is >= ' ' and <= '~')
        {
            return $"'{c}'";
        }

        var codePoint = char.IsSurrogatePair(value, index) ? char.ConvertToUtf32(value, index) : c;
        return string.Create(CultureInfo.InvariantCulture, $"U+{codePoint:X4}");
    }
}
