using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PullWorker.Inference.Configuration;
using PullWorker.Jobs.Parsing;
using PullWorker.Worker.Decoding;
using PullWorker.Worker.Lifecycle;
using PullWorker.Worker.Observability;
using PullWorker.Worker.Options;
using PullWorker.Worker.Processing;
using PullWorker.Worker.Storage;

namespace PullWorker.Worker.Hosting;

/// <summary>The worker's services: its options (validated at start), storage, the pipeline and its watchers.</summary>
public static class WorkerServiceCollectionExtensions
{
    public static IServiceCollection AddWorker(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddValidatedOptions<WorkerOptions, WorkerOptionsValidator>(configuration, WorkerOptions.SectionName);
        services.AddValidatedOptions<FlowControlOptions, FlowControlOptionsValidator>(configuration, FlowControlOptions.SectionName);
        services.AddValidatedOptions<SubscriberOptions, SubscriberOptionsValidator>(configuration, SubscriberOptions.SectionName);
        services.AddOptions<ShutdownOptions>().Bind(configuration.GetSection(ShutdownOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<HealthOptions>().Bind(configuration.GetSection(HealthOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<JobParserOptions>().Bind(configuration.GetSection(JobParserOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ImageDecodingOptions>().Bind(configuration.GetSection(ImageDecodingOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddInferenceOptions(configuration);
        services.AddCloudStorage(configuration);

        // The drain must fit inside the host's own stop timeout, with a little room for the rest to stop.
        services.AddOptions<Microsoft.Extensions.Hosting.HostOptions>()
            .Configure<IOptions<ShutdownOptions>>((host, shutdown) => host.ShutdownTimeout = shutdown.Value.Grace + TimeSpan.FromSeconds(3));

        services.AddSingleton<Readiness>();
        services.AddSingleton<WorkerFailure>();
        services.AddSingleton<WorkerMetrics>();
        services.AddSingleton<PullWorkerService>();
        services.AddHostedService(provider => provider.GetRequiredService<PullWorkerService>());
        // wait_for_change holds the request until something changes: no client-side timeout. Resolving the hosted
        // service through the typed client is what gives it this configured HttpClient.
        services.AddHttpClient<PreemptionWatcher>(client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddHostedService(provider => provider.GetRequiredService<PreemptionWatcher>());
        return services;
    }

    private static void AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().Bind(configuration.GetSection(section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
    }
}
