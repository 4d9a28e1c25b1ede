using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PullWorker.Emulator.PubSub.Faults;
using PullWorker.Emulator.PubSub.Services;
using PullWorker.Emulator.PubSub.State;

namespace PullWorker.Emulator.PubSub;

/// <summary>
/// An in-memory Pub/Sub service speaking gRPC over plaintext HTTP/2, with hooks for tests. The state lives
/// in a broker that outlives the Kestrel server, so <see cref="RestartAsync"/> drops every connection and
/// keeps topics, subscriptions and messages.
/// </summary>
public sealed class PubSubEmulator : IAsyncDisposable
{
    /// <summary>Above the service's 10 MB publish limit, so oversized requests get its INVALID_ARGUMENT, not a transport error.</summary>
    private const int MaxReceiveMessageBytes = 16 * 1024 * 1024;

    /// <summary>How long stopping waits for calls to finish before it cuts their connections.</summary>
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Time for a client to read a closed stream's status before its connection goes: Kestrel resets a stream
    /// whose client is still sending, and a client that sees the connection close before it has read the
    /// trailers reports INTERNAL instead of the UNAVAILABLE it was sent.
    /// </summary>
    private static readonly TimeSpan StatusReadGrace = TimeSpan.FromMilliseconds(100);

    private readonly IPAddress _address;
    private readonly ILoggerFactory _loggerFactory;
    private readonly PubSubBroker _broker;
    private readonly FaultInjector _faults = new();
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private WebApplication? _server;
    private int _port;

    private PubSubEmulator(EmulatorOptions options, IPAddress address)
    {
        _address = address;
        _port = options.PubSubPort;
        _loggerFactory = LoggerFactory.Create(logging => logging
            .AddSimpleConsole(console => console.SingleLine = true)
            .SetMinimumLevel(LogLevel.Warning));
        _broker = new PubSubBroker(options.Time, _loggerFactory.CreateLogger<PubSubBroker>());
    }

    /// <summary>The value for <c>PUBSUB_EMULATOR_HOST</c>: <c>host:port</c> with the port actually bound.</summary>
    public string EmulatorHost
    {
        get
        {
            var host = _address.Equals(IPAddress.Any) ? IPAddress.Loopback
                : _address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback
                : _address;
            return host.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{host}]:{_port}" : $"{host}:{_port}";
        }
    }

    /// <summary>StreamingPull calls currently open.</summary>
    public int OpenStreamCount => _broker.OpenStreamCount;

    /// <exception cref="ArgumentException"><see cref="EmulatorOptions.Host"/> is neither an IP address nor localhost.</exception>
    public static async Task<PubSubEmulator> StartAsync(EmulatorOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var emulator = new PubSubEmulator(options, ParseAddress(options.Host));
        try
        {
            emulator._server = await emulator.StartServerAsync(cancellationToken);
            return emulator;
        }
        catch
        {
            await emulator.DisposeAsync();
            throw;
        }
    }

    /// <summary>Ends every open StreamingPull call with <paramref name="code"/>; what they leased stays outstanding until its deadline.</summary>
    public void CloseAllStreams(StatusCode code = StatusCode.Unavailable) =>
        _ = _broker.CloseAllStreams(new Status(code, "Stream closed by the emulator's test hook."));

    /// <summary>The next <paramref name="count"/> calls of <paramref name="method"/> (e.g. "Publish") fail with <paramref name="code"/> before doing anything.</summary>
    /// <exception cref="ArgumentException">An unknown method, a negative count, or OK.</exception>
    public void InjectErrors(string method, StatusCode code, int count) => _faults.Add(method, code, count);

    /// <summary>Stops all deliveries (streams and Pull) until <see cref="ResumeDelivery"/>; publishes are still accepted.</summary>
    public void PauseDelivery() => _broker.PauseDelivery();

    public void ResumeDelivery() => _broker.ResumeDelivery();

    /// <exception cref="KeyNotFoundException">No subscription of that name.</exception>
    public SubscriptionStats GetStats(string subscription) => _broker.GetStats(subscription);

    /// <summary>
    /// Stops listening (every connection and stream dies), waits <paramref name="downtime"/> of real time (it
    /// models an outage of the network, not message time), then listens again on the same port. Topics,
    /// subscriptions and messages survive; outstanding messages keep their deadlines.
    /// </summary>
    public async Task RestartAsync(TimeSpan downtime, CancellationToken cancellationToken)
    {
        await _lifecycle.WaitAsync(cancellationToken);
        try
        {
            await StopServerAsync();
            await Task.Delay(downtime, cancellationToken);
            _server = await StartServerAsync(cancellationToken);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _lifecycle.WaitAsync();
        try
        {
            await StopServerAsync();
            _broker.Dispose();
            _loggerFactory.Dispose();
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    private static IPAddress ParseAddress(string host) =>
        IPAddress.TryParse(host, out var address) ? address
        : string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
        : throw new ArgumentException($"The emulator binds to an IP address or localhost, not '{host}'.", nameof(host));

    private async Task<WebApplication> StartServerAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.Replace(ServiceDescriptor.Singleton(_loggerFactory));
        builder.Services.Replace(ServiceDescriptor.Singleton<IHostLifetime, EmbeddedHostLifetime>());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(_address, _port, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.AddServerHeader = false;
            // Wide windows so a benchmark's stream is limited by its consumer, not by HTTP/2 flow control.
            kestrel.Limits.Http2.InitialConnectionWindowSize = 8 * 1024 * 1024;
            kestrel.Limits.Http2.InitialStreamWindowSize = 4 * 1024 * 1024;
            kestrel.Limits.Http2.MaxStreamsPerConnection = 1000;
        });
        builder.Services.AddSingleton(_broker).AddSingleton(_faults);
        builder.Services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<FaultInjectionInterceptor>();
            grpc.MaxReceiveMessageSize = MaxReceiveMessageBytes;
            grpc.MaxSendMessageSize = null;
        });

        var app = builder.Build();
        app.MapGrpcService<PublisherService>();
        app.MapGrpcService<SubscriberService>();
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        _port = new Uri(address).Port;
        return app;
    }

    private async Task StopServerAsync()
    {
        if (_server is not { } server)
        {
            return;
        }

        _server = null;
        // Streams first, with a status the clients retry on; then the connections, after a short grace.
        if (_broker.OpenStreamCount > 0)
        {
            var streamsEnded = _broker.CloseAllStreams(new Status(StatusCode.Unavailable, "The emulator is stopping."));
            try
            {
                await streamsEnded.WaitAsync(StopGrace);
                await Task.Delay(StatusReadGrace);
            }
            catch (TimeoutException)
            {
                // A stream stuck past the grace period is cut with its connection below.
            }
        }

        using var grace = new CancellationTokenSource(StopGrace);
        await server.StopAsync(grace.Token);
        await server.DisposeAsync();
    }
}
