using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PullWorker.Storage;
using PullWorker.Storage.Client;

namespace PullWorker.Worker.Cli.Shared;

/// <summary>
/// A <see cref="GcsClient"/> for one command-line run, with the worker's retries: Cloud Storage with Application
/// Default Credentials, or the emulator that <c>STORAGE_EMULATOR_HOST</c> (or <paramref name="emulatorHost"/>) names.
/// </summary>
public sealed class CliStorage : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private CliStorage(ServiceProvider services)
    {
        _services = services;
        Client = services.GetRequiredService<GcsClient>();
    }

    public GcsClient Client { get; }

    /// <param name="emulatorHost"><c>http://host:port</c>; null to use <c>STORAGE_EMULATOR_HOST</c> or Google.</param>
    public static CliStorage Create(string? emulatorHost = null)
    {
        var settings = new Dictionary<string, string?> { ["STORAGE_EMULATOR_HOST"] = emulatorHost };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddGcsStorage(configuration).BuildServiceProvider();
        return new CliStorage(services);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
