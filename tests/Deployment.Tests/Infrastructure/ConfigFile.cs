namespace PullWorker.Deployment.Tests.Infrastructure;

/// <summary>Reads the KEY=VALUE lines of an infra config file, the way the tests need to know them.</summary>
public static class ConfigFile
{
    public static IReadOnlyDictionary<string, string> Read(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var rawLine in File.ReadAllLines(path))
        {
            var line = rawLine.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var separator = line.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0)
            {
                throw new FormatException($"{path}: not a KEY=VALUE line: '{rawLine}'");
            }

            values[line[..separator]] = line[(separator + 1)..].Trim('"');
        }

        return values;
    }
}
