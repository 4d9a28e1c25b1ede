using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using PullWorker.Storage.Client;
using PullWorker.Storage.Http;
using PullWorker.Storage.Options;

namespace PullWorker.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="GcsClient"/> and <see cref="StorageOptions"/> (section <c>Storage</c>, validated at
    /// start; <c>STORAGE_EMULATOR_HOST</c> fills <see cref="StorageOptions.EmulatorHost"/>). Its HTTP pipeline retries
    /// 408, 429, 5xx, timeouts and resets with exponential backoff and jitter, for idempotent requests only, and adds
    /// ADC tokens unless an emulator is configured.
    /// </summary>
    public static IServiceCollection AddGcsStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.SectionName))
            .PostConfigure(options => options.EmulatorHost ??= EmulatorHostVariable(configuration))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ApplicationDefaultCredential>();

        // Per-attempt timeouts come from the pipeline; the HttpClient's own 100 s limit would cut downloads short.
        var http = services.AddHttpClient(GcsClient.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            // The client lives in a singleton, so connections are recycled by the handler instead of by the factory.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        http.AddResilienceHandler("gcs", ConfigureRetries);

        // Added after the retry handler, so it runs inside it: every attempt gets a current token.
        http.ConfigureAdditionalHttpMessageHandlers((handlers, provider) =>
            {
                if (string.IsNullOrEmpty(provider.GetRequiredService<IOptions<StorageOptions>>().Value.EmulatorHost))
                {
                    handlers.Add(new GoogleAuthHandler(provider.GetRequiredService<ApplicationDefaultCredential>()));
                }
            });

        services.TryAddSingleton(provider => new GcsClient(
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(GcsClient.HttpClientName),
            provider.GetRequiredService<IOptions<StorageOptions>>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<GcsClient>>()));
        return services;
    }

    private static void ConfigureRetries(ResiliencePipelineBuilder<HttpResponseMessage> builder, ResilienceHandlerContext context)
    {
        var options = context.ServiceProvider.GetRequiredService<IOptions<StorageOptions>>().Value;
        builder.TimeProvider = context.ServiceProvider.GetRequiredService<TimeProvider>();
        // Polly refuses zero attempts; zero here means "no retries", so the strategy is left out.
        if (options.RetryAttempts > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.RetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryMaxDelay,
                ShouldHandle = args => ValueTask.FromResult(
                    GcsRequestOptions.IsIdempotent(args.Context.GetRequestMessage())
                    && !args.Context.CancellationToken.IsCancellationRequested
                    && HttpClientResiliencePredicates.IsTransient(args.Outcome)),
            });
        }

        builder.AddTimeout(options.RequestTimeout);
    }

    // Hosts expose environment variables through configuration; plain service collections may not.
    private static string? EmulatorHostVariable(IConfiguration configuration) =>
        configuration["STORAGE_EMULATOR_HOST"] is { Length: > 0 } fromConfiguration
            ? fromConfiguration
            : Environment.GetEnvironmentVariable("STORAGE_EMULATOR_HOST");
}
