using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PullWorker.Storage.Client;
using PullWorker.Storage.Options;

namespace PullWorker.Storage.Tests.TestSupport;

/// <summary>Builds the client exactly as the worker will (AddGcsStorage), with test-sized retry delays.</summary>
internal static class StorageServices
{
    public static ServiceProvider Build(
        string? emulatorHost,
        HttpMessageHandler? primaryHandler = null,
        IDictionary<string, string?>? settings = null,
        Action<IHttpClientBuilder>? configureHttp = null,
        TimeProvider? time = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Storage:EmulatorHost"] = emulatorHost,
            ["Storage:RetryBaseDelay"] = "00:00:00.001",
            ["Storage:RetryMaxDelay"] = "00:00:00.010",
            ["Storage:RetryAttempts"] = "10",
            ["Storage:RequestTimeout"] = "00:00:10",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection().AddLogging();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services
            .AddGcsStorage(configuration);
        if (primaryHandler is not null)
        {
            services.AddHttpClient(GcsClient.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => primaryHandler);
        }

        configureHttp?.Invoke(services.AddHttpClient(GcsClient.HttpClientName));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public static GcsClient Client(this IServiceProvider services) => services.GetRequiredService<GcsClient>();

    public static IOptions<StorageOptions> Options(this IServiceProvider services) =>
        services.GetRequiredService<IOptions<StorageOptions>>();
}
