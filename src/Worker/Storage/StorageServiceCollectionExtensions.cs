using Google.Api.Gax;
using Google.Cloud.Storage.V1;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace PullWorker.Worker.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers Google's <see cref="StorageClient"/> and <see cref="StorageOptions"/> (section <c>Storage</c>,
    /// validated at start). The client talks to <see cref="StorageOptions.EmulatorHost"/> when set, else follows
    /// <c>STORAGE_EMULATOR_HOST</c>, else Cloud Storage with Application Default Credentials.
    /// </summary>
    public static IServiceCollection AddCloudStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.SectionName))
            // A host (or the demo, in process) may give the variable as configuration rather than environment.
            .PostConfigure(options => options.EmulatorHost ??= NullIfEmpty(configuration["STORAGE_EMULATOR_HOST"]))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => CreateClient(provider.GetRequiredService<IOptions<StorageOptions>>().Value));
        return services;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>A client for <paramref name="options"/>; the caller owns it.</summary>
    public static StorageClient CreateClient(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new StorageClientBuilder { EmulatorDetection = EmulatorDetection.EmulatorOrProduction };
        if (!string.IsNullOrEmpty(options.EmulatorHost))
        {
            if (!StorageOptionsValidator.TryParseEmulatorHost(options.EmulatorHost, out var emulator))
            {
                throw new ArgumentException(
                    $"{StorageOptions.SectionName}:{nameof(options.EmulatorHost)} must be an http(s)://host:port address, got '{options.EmulatorHost}'");
            }

            // What EmulatorDetection does with STORAGE_EMULATOR_HOST, for an address from configuration: JSON calls
            // go under /storage/v1/, uploads to /upload/storage/v1/ on the same host, without credentials.
            builder = new StorageClientBuilder { BaseUri = emulator.GetLeftPart(UriPartial.Authority) + "/storage/v1/", UnauthenticatedAccess = true };
        }

        var client = builder.Build();
        // Each request gets RetryAttempts retries from the client's own handler; the builder's default is 3 tries.
        client.Service.HttpClient.MessageHandler.NumTries = options.RetryAttempts + 1;
        // Model downloads may take minutes; attempts are bounded by the callers' tokens instead.
        client.Service.HttpClient.Timeout = Timeout.InfiniteTimeSpan;
        return client;
    }
}
