using System.Collections.Concurrent;
using Google.Api.Gax;
using Google.Api.Gax.Grpc;
using Google.Cloud.PubSub.V1;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using PullWorker.Emulator.Tests.PubSub;

namespace PullWorker.Emulator.Tests.Interop.PubSub;

/// <summary>Google's .NET Pub/Sub clients pointed at a test emulator, as a user's code would build them.</summary>
internal static class GoogleClients
{
    public static SubscriberClientBuilder Subscriber(
        PubSubTestServer server, string subscription, int clientCount, long maxOutstanding, Interceptor? interceptor = null, ILogger? logger = null)
    {
        var builder = new SubscriberClientBuilder
        {
            SubscriptionName = SubscriptionName.Parse(subscription),
            Endpoint = server.Emulator.EmulatorHost,
            ChannelCredentials = ChannelCredentials.Insecure,
            ClientCount = clientCount,
            Settings = new SubscriberClient.Settings { FlowControlSettings = new FlowControlSettings(maxOutstanding, null) },
            ApiSettings = new SubscriberServiceApiSettings { Interceptor = interceptor },
        };
        builder.Logger = logger;
        return builder;
    }

    public static Task<PublisherClient> PublisherAsync(PubSubTestServer server, string topic, CancellationToken cancellationToken) =>
        new PublisherClientBuilder
        {
            TopicName = TopicName.Parse(topic),
            Endpoint = server.Emulator.EmulatorHost,
            ChannelCredentials = ChannelCredentials.Insecure,
            Settings = new PublisherClient.Settings { BatchingSettings = new BatchingSettings(1_000, 5_000_000, TimeSpan.FromMilliseconds(5)) },
        }.BuildAsync(cancellationToken);

    public static Task<SubscriberServiceApiClient> SubscriptionAdminAsync(PubSubTestServer server, CancellationToken cancellationToken) =>
        new SubscriberServiceApiClientBuilder
        {
            Endpoint = server.Emulator.EmulatorHost,
            ChannelCredentials = ChannelCredentials.Insecure,
        }.BuildAsync(cancellationToken);

    public static Task<PublisherServiceApiClient> TopicAdminAsync(PubSubTestServer server, CancellationToken cancellationToken) =>
        new PublisherServiceApiClientBuilder
        {
            Endpoint = server.Emulator.EmulatorHost,
            ChannelCredentials = ChannelCredentials.Insecure,
        }.BuildAsync(cancellationToken);
}

/// <summary>
/// Sees the client's unary ModifyAckDeadline calls with a positive deadline: the first for a message is its receipt
/// (the client sets its own deadline at once), the later ones are lease extensions.
/// </summary>
internal sealed class LeaseExtensionSpy : Interceptor
{
    private readonly TaskCompletionSource _received = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _extended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _answered;

    public Task Received => _received.Task;

    public Task Extended => _extended.Task;

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(request, context);
        if (request is ModifyAckDeadlineRequest { AckDeadlineSeconds: > 0 })
        {
            // Signalled once the service has answered, so the extension is in force when the test goes on.
            _ = call.ResponseAsync.ContinueWith(
                _ => (Interlocked.Increment(ref _answered) == 1 ? _received : _extended).TrySetResult(), TaskScheduler.Default);
        }

        return call;
    }
}

/// <summary>Keeps the client library's warnings, so a test can show it never had to restart a stream.</summary>
internal sealed class WarningLog : ILogger
{
    public ConcurrentQueue<string> Warnings { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            Warnings.Enqueue(formatter(state, exception));
        }
    }
}
