using System.Net;
using Google.Apis.Auth.OAuth2;
using Google.Cloud.PubSub.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace PullWorker.PubSub.Connection;

/// <summary>
/// A set of gRPC channels to Pub/Sub, each with its own HTTP/2 connection. Google's front ends allow 100
/// concurrent streams per connection, past which new streams and acks hang (nodejs-pubsub#550), so a
/// subscriber opens one connection per StreamingPull stream and spreads its unary calls over them.
/// </summary>
public sealed class PubSubConnection : IDisposable
{
    /// <summary>Exactly-once error details arrive as trailers far above the default header limit.</summary>
    private const int MaxResponseHeadersKilobytes = 4 * 1024;

    private readonly GrpcChannel[] _channels;
    private int _nextChannel = -1;

    private PubSubConnection(GrpcChannel[] channels, string identity, bool isEmulator)
    {
        _channels = channels;
        Identity = identity;
        IsEmulator = isEmulator;
    }

    /// <summary>Who the calls run as (for error messages).</summary>
    public string Identity { get; }

    public bool IsEmulator { get; }

    public int ChannelCount => _channels.Length;

    /// <summary>Resolves credentials (unless talking to an emulator) and creates the channels.</summary>
    /// <exception cref="PubSubConfigurationException">No credentials, or a malformed endpoint.</exception>
    public static async Task<PubSubConnection> CreateAsync(
        PubSubConnectionOptions options, int channelCount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(channelCount, 1);
        if (!string.IsNullOrWhiteSpace(options.EmulatorHost))
        {
            var address = ParseAddress("http://" + options.EmulatorHost.Trim(), PubSubConnectionOptions.EmulatorHostVariable);
            var plain = Enumerable.Range(0, channelCount)
                .Select(_ => CreateChannel(address, credentials: null))
                .ToArray();
            return new PubSubConnection(plain, $"emulator at {options.EmulatorHost}", isEmulator: true);
        }

        var endpoint = ParseAddress(options.Endpoint, nameof(options.Endpoint));
        var credential = await GoogleAuthentication.ResolveAsync(options.Credential, cancellationToken);
        var callCredentials = GoogleAuthentication.ToCallCredentials(credential);
        var secure = Enumerable.Range(0, channelCount)
            .Select(_ => CreateChannel(endpoint, ChannelCredentials.Create(new SslCredentials(), callCredentials)))
            .ToArray();
        return new PubSubConnection(secure, GoogleAuthentication.DescribeIdentity(credential), isEmulator: false);
    }

    /// <summary>A subscriber client on channel <paramref name="index"/> (modulo the channel count).</summary>
    public Subscriber.SubscriberClient SubscriberOn(int index) => new(_channels[index % _channels.Length]);

    /// <summary>A subscriber client on the next channel in turn, for spreading unary calls.</summary>
    public Subscriber.SubscriberClient NextSubscriber() => SubscriberOn(NextIndex());

    public Publisher.PublisherClient NextPublisher() => new(_channels[NextIndex()]);

    /// <summary>Call options with Google's routing header, e.g. <c>subscription=projects/p/subscriptions/s</c>.</summary>
    public static CallOptions RoutedCall(string field, string resource, DateTime? deadline, CancellationToken cancellationToken)
    {
        var headers = new Metadata { { "x-goog-request-params", $"{field}={Uri.EscapeDataString(resource)}" } };
        return new CallOptions(headers, deadline, cancellationToken);
    }

    /// <summary>Disposes the channels. Callers must have ended their streams first (grpc-dotnet#2119).</summary>
    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }

    private int NextIndex() => (int)((uint)Interlocked.Increment(ref _nextChannel) % (uint)_channels.Length);

    private static GrpcChannel CreateChannel(Uri address, ChannelCredentials? credentials)
    {
        var sockets = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            MaxResponseHeadersLength = MaxResponseHeadersKilobytes,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            // Detects dead connections under idle streams; the values follow nodejs-pubsub's channel options.
            KeepAlivePingDelay = TimeSpan.FromMinutes(5),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            AutomaticDecompression = DecompressionMethods.None,
        };
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = new UserAgentHandler(sockets),
            Credentials = credentials ?? ChannelCredentials.Insecure,
            MaxReceiveMessageSize = int.MaxValue,
            MaxSendMessageSize = int.MaxValue,
            DisposeHttpClient = true,
        });
    }

    private static Uri ParseAddress(string value, string setting) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Port > 0
            ? uri
            : throw new PubSubConfigurationException($"{setting} '{value}' is not a valid address; expected host:port or https://host.");
}
