using System.Globalization;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using PullWorker.Worker.Hosting;

namespace PullWorker.Worker.Tests.EndToEnd;

/// <summary>
/// An in-process worker on a <c>gs://</c> model that it polls for changes, jobs for models that take float x [N, 16],
/// and a wait for a model replaced while the worker runs.
/// </summary>
internal static class ModelProbes
{
    /// <summary>The x of every job published here.</summary>
    public static float[] Input { get; } = Enumerable.Range(0, 16).Select(k => k * 0.5f).ToArray();

    /// <summary>A worker (built, not started) whose only stage is the inputs bucket's <paramref name="modelObject"/>.</summary>
    public static WebApplication Worker(LocalDeployment deployment, string modelObject, TimeSpan pollInterval)
    {
        var configuration = deployment.WorkerConfiguration($"gs://{LocalDeployment.InputsBucket}/{modelObject}");
        configuration["Worker:ModelPollInterval"] = pollInterval.ToString("c", CultureInfo.InvariantCulture);
        return WorkerHost.Build([], config => config.AddInMemoryCollection(configuration));
    }

    /// <summary>
    /// Publishes probes until one comes back from a different model; returns how many probes it took.
    /// <paramref name="alreadyWritten"/> results exist before the first probe.
    /// </summary>
    public static async Task<int> WaitForModelChangeAsync(LocalDeployment deployment, string oldSha256, int alreadyWritten, CancellationToken cancellationToken)
    {
        for (var probe = 0; ; probe++)
        {
            await PublishJobsAsync(deployment, $"probe{probe}", 1, cancellationToken);
            var results = await deployment.WaitForResultsAsync(alreadyWritten + probe + 1, cancellationToken);
            if (results[$"probe{probe}/0"].Model.Sha256 != oldSha256)
            {
                return probe + 1;
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    public static async Task PublishJobsAsync(LocalDeployment deployment, string prefix, int count, CancellationToken cancellationToken)
    {
        for (var i = 0; i < count; i++)
        {
            var values = string.Join(',', Input.Select(v => v.ToString(CultureInfo.InvariantCulture)));
            var job = "{\"id\":\"" + prefix + "/" + i + "\",\"inputs\":{\"x\":{\"dtype\":\"float32\",\"shape\":[16],\"data\":[" + values + "]}}}";
            await deployment.PublishAsync(ByteString.CopyFromUtf8(job), null, cancellationToken);
        }
    }
}
