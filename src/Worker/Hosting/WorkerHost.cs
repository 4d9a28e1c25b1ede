using Microsoft.AspNetCore.Builder;
using PullWorker.Worker.Observability;

namespace PullWorker.Worker.Hosting;

/// <summary>Builds and runs the daemon: the pipeline as a hosted service beside a small health port.</summary>
public static class WorkerHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        await using var app = builder.Build();
        app.MapHealthEndpoints();
        await app.RunAsync();
        return 0;
    }
}
