using System.Diagnostics.CodeAnalysis;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using PullWorker.Emulator.Storage.Endpoints;
using PullWorker.Emulator.Storage.Errors;
using PullWorker.Emulator.Storage.Faults;
using PullWorker.Emulator.Storage.Http;
using PullWorker.Emulator.Storage.Store;
using PullWorker.Emulator.Storage.Uploads;

namespace PullWorker.Emulator.Storage;

/// <summary>
/// A Cloud Storage JSON API server (HTTP/1.1) that Google's clients reach through
/// <c>STORAGE_EMULATOR_HOST</c>. Objects live in memory, or in <see cref="EmulatorOptions.StorageDirectory"/>
/// as ordinary files. The members below are the test hooks: direct access to buckets and objects, and
/// <see cref="Faults"/> to make it slow or failing.
/// </summary>
public sealed class StorageEmulator : IAsyncDisposable
{
    private const string HookProject = "emulator";

    /// <summary>How long disposal waits for running requests (a held-up latency fault can wait forever).</summary>
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(2);

    private readonly WebApplication _app;
    private readonly StorageCatalog _catalog;
    private readonly FaultInjectionMiddleware _faultInjection;

    private StorageEmulator(WebApplication app, string emulatorHost)
    {
        _app = app;
        _catalog = app.Services.GetRequiredService<StorageCatalog>();
        _faultInjection = app.Services.GetRequiredService<FaultInjectionMiddleware>();
        Faults = app.Services.GetRequiredService<StorageFaults>();
        EmulatorHost = emulatorHost;
    }

    /// <summary>The value for <c>STORAGE_EMULATOR_HOST</c>: <c>http://127.0.0.1:port</c>.</summary>
    public string EmulatorHost { get; }

    /// <summary>Latency and failures to inject; see <see cref="StorageFaults"/>.</summary>
    public StorageFaults Faults { get; }

    /// <summary>HTTP requests received so far, injected failures included.</summary>
    public long RequestCount => _faultInjection.RequestCount;

    /// <summary>The most HTTP requests being answered at once since the last <see cref="ResetPeakRequestsInFlight"/>.</summary>
    public int PeakRequestsInFlight => _faultInjection.PeakInFlight;

    public void ResetPeakRequestsInFlight() => _faultInjection.ResetPeak();

    /// <summary>Starts listening on <c>options.Host:options.StoragePort</c> (0 = a free port).</summary>
    /// <exception cref="ArgumentException">The host is not an IP address or "localhost".</exception>
    public static async Task<StorageEmulator> StartAsync(EmulatorOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var address = ListenAddress(options.Host);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            // Uploads can be large; the emulator buffers them whole, as its memory allows.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(address, options.StoragePort, listen => listen.Protocols = HttpProtocols.Http1);
        });
        builder.Logging
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace)
            .SetMinimumLevel(LogLevel.Warning);
        AddStorageServices(builder.Services, options);

        var app = builder.Build();
        var faultInjection = app.Services.GetRequiredService<FaultInjectionMiddleware>();
        var router = app.Services.GetRequiredService<StorageRouter>();
        app.Use(faultInjection.InvokeAsync);
        // Google's .NET client gzips JSON and upload bodies (Content-Encoding: gzip).
        app.UseRequestDecompression();
        app.Run(router.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken);
            return new StorageEmulator(app, $"http://{ConnectableHost(address)}:{BoundPort(app)}");
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates a bucket, as <c>buckets.insert</c> does; nothing happens if it exists.</summary>
    /// <exception cref="ArgumentException">The name breaks Cloud Storage's bucket naming rules.</exception>
    public void CreateBucket(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        try
        {
            _catalog.CreateBucket(name, HookProject);
        }
        catch (StorageException e)
        {
            throw new ArgumentException(e.Message, nameof(name), e);
        }
    }

    /// <summary>The live object and its bytes; false when the bucket or object does not exist.</summary>
    public bool TryGetObject(string bucket, string name, [MaybeNullWhen(false)] out StoredObject obj)
    {
        obj = _catalog.TryRead(bucket, name, out var entry, out var data) ? ToStoredObject(entry!, data) : null;
        return obj is not null;
    }

    /// <summary>Every live object whose name starts with <paramref name="prefix"/>, in name order.</summary>
    /// <exception cref="KeyNotFoundException">There is no such bucket.</exception>
    public IReadOnlyList<StoredObject> ListObjects(string bucket, string prefix = "") =>
        _catalog.ReadAll(bucket, prefix).Select(item => ToStoredObject(item.Entry, item.Data)).ToList();

    /// <summary>Stops listening; requests still running after a short grace period are aborted.</summary>
    public async ValueTask DisposeAsync()
    {
        using var grace = new CancellationTokenSource(ShutdownGrace);
        await _app.StopAsync(grace.Token);
        await _app.DisposeAsync();
    }

    private static void AddStorageServices(IServiceCollection services, EmulatorOptions options)
    {
        services.AddSingleton(options.Time);
        services.AddSingleton<IObjectStore>(provider => options.StorageDirectory is { } directory
            ? new DiskObjectStore(directory, options.Time, provider.GetRequiredService<ILogger<DiskObjectStore>>())
            : new MemoryObjectStore());
        services.AddRequestDecompression();
        services.AddSingleton<StorageCatalog>();
        services.AddSingleton<ResumableSessions>();
        services.AddSingleton<StorageFaults>();
        services.AddSingleton<FaultInjectionMiddleware>();
        services.AddSingleton<BucketEndpoints>();
        services.AddSingleton<ObjectEndpoints>();
        services.AddSingleton<MediaDownload>();
        services.AddSingleton<SimpleUploads>();
        services.AddSingleton<ResumableUploads>();
        services.AddSingleton<StorageRouter>();
    }

    private static StoredObject ToStoredObject(ObjectEntry entry, ReadOnlyMemory<byte> data) =>
        new(entry.Bucket, entry.Name, entry.Generation, entry.ContentType, entry.Metadata, data);

    private static IPAddress ListenAddress(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
        : IPAddress.TryParse(host, out var address) ? address
        : throw new ArgumentException($"host must be an IP address or 'localhost', got '{host}'", nameof(host));

    /// <summary>Where a client should connect: loopback when listening on every interface.</summary>
    private static string ConnectableHost(IPAddress address) =>
        address.Equals(IPAddress.Any) ? "127.0.0.1"
        : address.Equals(IPAddress.IPv6Any) ? "[::1]"
        : address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]"
        : address.ToString();

    private static int BoundPort(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        var bound = new Uri(addresses.Addresses.Single());
        return bound.Port;
    }
}
