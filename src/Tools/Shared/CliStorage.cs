using Google.Cloud.Storage.V1;
using PullWorker.Worker.Storage;

namespace PullWorker.Tools.Shared;

/// <summary>
/// Google's <see cref="StorageClient"/> for one command-line run, built as the worker builds it: Cloud Storage with
/// Application Default Credentials, or the emulator that <c>STORAGE_EMULATOR_HOST</c> (or
/// <paramref name="emulatorHost"/>) names.
/// </summary>
public sealed class CliStorage : IDisposable
{
    private CliStorage(StorageClient client) => Client = client;

    public StorageClient Client { get; }

    /// <param name="emulatorHost"><c>http://host:port</c>; null to use <c>STORAGE_EMULATOR_HOST</c> or Google.</param>
    public static CliStorage Create(string? emulatorHost = null) =>
        new(StorageServiceCollectionExtensions.CreateClient(new StorageOptions(), emulatorHost));

    public void Dispose() => Client.Dispose();
}
