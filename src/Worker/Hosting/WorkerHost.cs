using Microsoft.Extensions.Options;
using PullWorker.Inference.Configuration;
using PullWorker.Inference.Devices;
using PullWorker.Worker.Lifecycle;
using PullWorker.Worker.Messaging;
using PullWorker.Worker.Observability;
using PullWorker.Worker.Options;
using PullWorker.Worker.Storage;

namespace PullWorker.Worker.Hosting;

/// <summary>Builds and runs the daemon: the pipeline as a hosted service beside a small health port.</summary>
public static class WorkerHost
{
    /// <summary>Builds the host; <paramref name="configure"/> lets the demo and tests add configuration.</summary>
    public static WebApplication Build(string[] args, Action<IConfigurationBuilder>? configure = null)
    {
        // appsettings.json ships beside the program; it must be found whatever directory the worker starts in.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        configure?.Invoke(builder.Configuration);
        builder.AddWorkerObservability();
        builder.Services.AddWorker(builder.Configuration);
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
            kestrel.ListenAnyIP(context.Configuration.GetValue(HealthOptions.SectionName + ":Port", new HealthOptions().Port)));
        var app = builder.Build();
        app.MapHealthEndpoints();
        return app;
    }

    /// <summary>Exit code of a worker that started and then could no longer work.</summary>
    public const int CannotWorkExitCode = 2;

    /// <summary>
    /// Runs until SIGTERM/SIGINT (or a preemption notice) and a drain. 0 after a clean drain; 1 with one line on
    /// standard error when start-up fails, saying what to fix; <see cref="CannotWorkExitCode"/> with one line saying
    /// why when the worker stopped because it could no longer work.
    /// </summary>
    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            await using var app = Build(args);
            var failure = app.Services.GetRequiredService<WorkerFailure>();
            await app.RunAsync();
            if (failure.Reason is { } reason)
            {
                await Console.Error.WriteLineAsync($"pullworker: cannot work: {reason}");
                return CannotWorkExitCode;
            }

            return 0;
        }
        catch (Exception e) when (StartupProblem(e) is { } problem)
        {
            await Console.Error.WriteLineAsync($"pullworker: {problem}");
            return 1;
        }
    }

    private static readonly string? BinderAssembly = typeof(ConfigurationBinder).Assembly.GetName().Name;

    /// <summary>The one line to print for a start-up failure a user can fix, or null for a bug (which propagates).</summary>
    public static string? StartupProblem(Exception exception) => exception switch
    {
        OptionsValidationException e => string.Join("; ", e.Failures),
        PipelineSetupException e => e.Message,
        StorageSetupException e => e.Message,
        PubSubSetupException e => e.Message,
        DeviceUnavailableException e => e.Message,
        // A value the binder cannot convert ("Failed to convert configuration value 'x' at 'Worker:ResultLayout' to
        // type ..."). The binder has no exception type of its own; matching its assembly keeps our own bugs out.
        InvalidOperationException e when e.Source == BinderAssembly => e.Message,
        // ValidateOnStart reports every invalid section at once; the user gets them all on the one line.
        AggregateException e when e.InnerExceptions.Select(StartupProblem).ToList() is var problems && problems.All(p => p is not null) =>
            string.Join("; ", problems),
        _ => null,
    };
}
