using Google.Api.Gax;
using Google.Cloud.Storage.V1;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace PullWorker.Worker.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>The variable Google's clients read to find a Cloud Storage emulator.</summary>
    public const string EmulatorHostVariable = "STORAGE_EMULATOR_HOST";

    /// <summary>
    /// Registers Google's <see cref="StorageClient"/> and <see cref="StorageOptions"/> (section <c>Storage</c>,
    /// validated at start). The client talks to the emulator <c>STORAGE_EMULATOR_HOST</c> names, in the environment
    /// or in configuration, else to Cloud Storage with Application Default Credentials.
    /// </summary>
    public static IServiceCollection AddCloudStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        // The demo and in-process tests give the variable as configuration rather than environment.
        services.TryAddSingleton(provider => CreateClient(
            provider.GetRequiredService<IOptions<StorageOptions>>().Value, configuration[EmulatorHostVariable]));
        return services;
    }

    /// <summary>A client for <paramref name="options"/>; the caller owns it.</summary>
    /// <param name="emulatorHost">
    /// <c>http://host:port</c> of a Cloud Storage emulator, reached without credentials; null or empty leaves the
    /// choice to Google's emulator detection (<c>STORAGE_EMULATOR_HOST</c> in the environment, else Cloud Storage).
    /// </param>
    /// <exception cref="StorageSetupException"><paramref name="emulatorHost"/> is not such an address.</exception>
    public static StorageClient CreateClient(StorageOptions options, string? emulatorHost)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new StorageClientBuilder { EmulatorDetection = EmulatorDetection.EmulatorOrProduction };
        if (!string.IsNullOrEmpty(emulatorHost))
        {
            if (!TryParseEmulatorHost(emulatorHost, out var emulator))
            {
                throw new StorageSetupException($"{EmulatorHostVariable} must be an http(s)://host:port address, got '{emulatorHost}'");
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

    /// <summary>
    /// Accepts <c>http://host:port</c>, with or without the JSON API's <c>/storage/v1/</c> path (as Google's clients
    /// take <c>STORAGE_EMULATOR_HOST</c>) and, as some tools write it, a bare <c>host:port</c>.
    /// </summary>
    private static bool TryParseEmulatorHost(string value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Uri? baseUri)
    {
        var withScheme = value.Contains("://", StringComparison.Ordinal) ? value : "http://" + value;
        return Uri.TryCreate(withScheme, UriKind.Absolute, out baseUri)
            && baseUri.Scheme is "http" or "https"
            && baseUri.AbsolutePath is "/" or "/storage/v1" or "/storage/v1/";
    }
}
