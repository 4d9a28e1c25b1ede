using System.Globalization;
using PullWorker.Worker.Tests.EndToEnd;

namespace PullWorker.Worker.Tests.Faults;

/// <summary>The worker's settings in the fault scenarios: the deployment's, with room for the malformed jobs' sizes.</summary>
internal static class WorkerEnvironments
{
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    /// <summary>Configuration keys (<c>Section:Key</c>) for a worker in this process.</summary>
    public static Dictionary<string, string?> Configuration(LocalDeployment deployment, string modelPath)
    {
        var configuration = deployment.WorkerConfiguration(modelPath);
        configuration["Jobs:MaxMessageBytes"] = TensorJobs.MaxMessageBytes.ToString(CultureInfo.InvariantCulture);
        configuration["Shutdown:Grace"] = Grace.ToString("c", CultureInfo.InvariantCulture);

        // Per-request HTTP logs would bury the worker's own in a test's output.
        configuration["Logging:LogLevel:System.Net.Http"] = "Warning";
        return configuration;
    }

    /// <summary>The same as environment variables (<c>Section__Key</c>), for the worker as a process.</summary>
    public static Dictionary<string, string?> Process(LocalDeployment deployment, string modelPath) =>
        Configuration(deployment, modelPath).ToDictionary(e => e.Key.Replace(":", "__", StringComparison.Ordinal), e => e.Value);

    /// <summary>Makes the worker log each result it writes, so a test can see it is mid-stream.</summary>
    public static Dictionary<string, string?> LoggingWrites(this Dictionary<string, string?> environment)
    {
        environment["Logging__LogLevel__PullWorker.Worker.ResultStorage.ObjectResultWriter"] = "Debug";
        return environment;
    }
}
