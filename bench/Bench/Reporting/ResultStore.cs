using System.Text.Json;
using PullWorker.Bench.Infrastructure;

namespace PullWorker.Bench.Reporting;

/// <summary>
/// Each part's numbers as JSON under docs/benchmarks/data, with the machine and time they were measured on, so
/// a part can be re-run alone and the report regenerated from every part's latest run.
/// </summary>
internal static class ResultStore
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Save<T>(string part, T result, MachineInfo machine)
    {
        Directory.CreateDirectory(RepositoryPaths.Data);
        File.WriteAllText(PathOf(part), JsonSerializer.Serialize(new Measured<T>(machine, result), Json));
    }

    public static Measured<T>? Load<T>(string part) =>
        File.Exists(PathOf(part)) ? JsonSerializer.Deserialize<Measured<T>>(File.ReadAllText(PathOf(part)), Json) : null;

    private static string PathOf(string part) => Path.Combine(RepositoryPaths.Data, part + ".json");
}

/// <summary>A part's result with where and when it was measured.</summary>
internal sealed record Measured<T>(MachineInfo Machine, T Result);
