using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using PullWorker.Worker.Hosting;

namespace PullWorker.Worker.Tests.Configuration;

/// <summary>
/// docs/configuration.md is the one reference of the worker's keys: every key the worker binds must be in it, and
/// nothing in it may be a key no code binds. The keys are derived from the options classes themselves (every public
/// settable property of every class of the worker's assemblies that names a configuration section), the way the
/// configuration binder sees them (a <see cref="ConfigurationKeyNameAttribute"/> names the key): list items as <c>N</c>, dictionary entries as <c>{name}</c>.
/// </summary>
[TestFixture]
public sealed partial class ConfigurationReferenceTests
{
    /// <summary>Keys read straight from configuration rather than bound to an options class.</summary>
    private static readonly string[] ReadDirectly =
    [
        "Logging:Format", "Logging:LogLevel:{}", "PUBSUB_EMULATOR_HOST", "STORAGE_EMULATOR_HOST", "GCE_METADATA_HOST",
    ];

    [Test]
    public void EveryBoundKey_IsInDocsConfiguration()
    {
        var bound = BoundKeys();
        var documented = DocumentedKeys();

        Assert.Multiple(() =>
        {
            Assert.That(bound, Has.Count.GreaterThan(40), "the options classes were found");
            Assert.That(bound.Where(key => !documented.Contains(key)), Is.Empty, "keys the worker binds that docs/configuration.md lacks");
            Assert.That(documented.Where(key => !bound.Contains(key) && !ReadDirectly.Contains(key)), Is.Empty, "keys docs/configuration.md lists that nothing reads");
        });
    }

    private static HashSet<string> BoundKeys()
    {
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var type in OptionsTypes())
        {
            AddKeys(keys, (string)SectionField(type)!.GetValue(null)!, type);
        }

        return keys;
    }

    /// <summary>The options classes of the worker's own assemblies that name a configuration section.</summary>
    private static IEnumerable<Type> OptionsTypes() =>
        typeof(WorkerHost).Assembly.GetReferencedAssemblies()
            .Where(name => name.Name?.StartsWith("PullWorker.", StringComparison.Ordinal) == true)
            .Select(Assembly.Load)
            .Append(typeof(WorkerHost).Assembly)
            .SelectMany(assembly => assembly.GetTypes())
            .Where(type => type.Name.EndsWith("Options", StringComparison.Ordinal) && SectionField(type) is not null);

    private static FieldInfo? SectionField(Type type) =>
        type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static);

    private static void AddKeys(HashSet<string> keys, string prefix, Type type)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod?.IsPublic == true))
        {
            AddValueKeys(keys, $"{prefix}:{property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? property.Name}", property.PropertyType);
        }
    }

    private static void AddValueKeys(HashSet<string> keys, string key, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(type))
        {
            keys.Add(key);
        }
        else if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            AddValueKeys(keys, key + ":{}", type.GetGenericArguments()[1]);
        }
        else if (type.IsArray || (type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type)))
        {
            AddValueKeys(keys, key + ":N", type.IsArray ? type.GetElementType()! : type.GetGenericArguments()[0]);
        }
        else
        {
            AddKeys(keys, key, type);
        }
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan) || type == typeof(Uri);

    /// <summary>The first column of each table row of docs/configuration.md, <c>{name}</c> segments as <c>{}</c>.</summary>
    private static HashSet<string> DocumentedKeys()
    {
        var path = Path.Combine(RepositoryRoot(), "docs", "configuration.md");
        return File.ReadLines(path)
            .Select(line => DocumentedKey().Match(line))
            .Where(match => match.Success)
            .Select(match => Placeholder().Replace(match.Groups[1].Value, "{}"))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Worker.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no Worker.sln above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"^\| `([^`]+)` \|")]
    private static partial Regex DocumentedKey();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Placeholder();
}
