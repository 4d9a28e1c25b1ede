using System.Text.RegularExpressions;

namespace PullWorker.PubSub.Names;

/// <summary>Shared parsing of <c>projects/{project}/{collection}/{id}</c> names, with errors that say what is wrong.</summary>
internal static partial class ResourceName
{
    // Project IDs: 6-30 chars, lowercase letters, digits, hyphens; legacy domain-scoped IDs carry "example.com:".
    [GeneratedRegex(@"^([a-z0-9.-]+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$")]
    private static partial Regex ProjectIdPattern();

    // Topic and subscription IDs: 3-255 chars, start with a letter, then letters, digits and -_.~+%.
    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9\-_.~+%]{2,254}$")]
    private static partial Regex ResourceIdPattern();

    /// <summary>Parses a name given as a setting; a malformed one is a configuration error naming the setting.</summary>
    /// <exception cref="PubSubConfigurationException">The name is malformed.</exception>
    public static T ParseSetting<T>(Func<string?, T> parse, string? value, string setting)
    {
        try
        {
            return parse(value);
        }
        catch (FormatException ex)
        {
            throw new PubSubConfigurationException($"{setting}: {ex.Message}", ex);
        }
    }

    public static (string Project, string Id) Parse(string? name, string collection, string kind)
    {
        var example = $"projects/my-project/{collection}/my-{kind}";
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new FormatException($"The {kind} name is empty; expected the form {example}.");
        }

        var parts = name.Split('/');
        if (parts.Length != 4 || parts[0] != "projects" || parts[2] != collection)
        {
            throw new FormatException($"'{name}' is not a {kind} name; expected the form {example}.");
        }

        if (!ProjectIdPattern().IsMatch(parts[1]))
        {
            throw new FormatException(
                $"'{name}' has an invalid project ID '{parts[1]}': 6-30 lowercase letters, digits or hyphens, starting with a letter.");
        }

        if (!ResourceIdPattern().IsMatch(parts[3]) || parts[3].StartsWith("goog", StringComparison.OrdinalIgnoreCase))
        {
            throw new FormatException(
                $"'{name}' has an invalid {kind} ID '{parts[3]}': 3-255 letters, digits or -_.~+%, starting with a letter and not with 'goog'.");
        }

        return (parts[1], parts[3]);
    }
}
