using System.Text;
using System.Text.RegularExpressions;

namespace PullWorker.Emulator.Storage.Store;

/// <summary>Cloud Storage's naming rules for buckets and objects; each check returns the problem or null.</summary>
internal static partial class NameRules
{
    private const int MaxObjectNameBytes = 1024;

    /// <summary>3-63 characters (222 with dots, 63 per dot-separated part) of a-z, 0-9, '-', '_', '.',
    /// starting and ending with a letter or digit.</summary>
    public static string? BucketNameProblem(string name)
    {
        var valid = BucketNamePattern().IsMatch(name)
            && (name.Contains('.', StringComparison.Ordinal)
                ? name.Length <= 222 && name.Split('.').All(part => part.Length is > 0 and <= 63)
                : name.Length <= 63);
        return valid
            ? null
            : $"Invalid bucket name: '{name}'. Bucket names are 3-63 characters of lowercase letters, digits, "
              + "'-', '_' and '.', and start and end with a letter or digit.";
    }

    /// <summary>1-1024 bytes of UTF-8, no carriage return or line feed, not "." or "..".</summary>
    public static string? ObjectNameProblem(string name)
    {
        if (name.Length == 0)
        {
            return "Object name must not be empty.";
        }

        if (Encoding.UTF8.GetByteCount(name) > MaxObjectNameBytes)
        {
            return $"Object name is longer than {MaxObjectNameBytes} bytes of UTF-8.";
        }

        if (name.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            return "Object name must not contain carriage return or line feed characters.";
        }

        return name is "." or ".." ? $"Object name must not be '{name}'." : null;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]+[a-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex BucketNamePattern();
}
