using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace PullWorker.PubSub.Subscribing;

internal static partial class SubscriberLog
{
    [LoggerMessage(1, LogLevel.Information, "Subscriber started on {Subscription}: {StreamCount} streams, exactly-once {ExactlyOnce}, via {Identity}")]
    public static partial void Started(this ILogger logger, string subscription, int streamCount, bool exactlyOnce, string identity);

    [LoggerMessage(2, LogLevel.Debug, "Stream {Stream} ended ({Reason}) after {Lifetime}; reopening in {Delay}")]
    public static partial void StreamReopening(this ILogger logger, int stream, string reason, TimeSpan lifetime, TimeSpan delay);

    [LoggerMessage(3, LogLevel.Warning, "Stream {Stream} failed with {Code} ({Detail}); reopening in {Delay}, failure {Failures} in a row")]
    public static partial void StreamFailed(this ILogger logger, int stream, StatusCode code, string detail, TimeSpan delay, int failures);

    [LoggerMessage(4, LogLevel.Error, "Subscriber on {Subscription} failed and stops pulling")]
    public static partial void Faulted(this ILogger logger, Exception exception, string subscription);

    [LoggerMessage(5, LogLevel.Warning, "Released {Count} messages held longer than {MaxTotalAckExtension} for redelivery ({HandedOut} still with the handler)")]
    public static partial void LeasesReleased(this ILogger logger, int count, TimeSpan maxTotalAckExtension, int handedOut);

    [LoggerMessage(6, LogLevel.Warning, "{Kind} of {Count} ack IDs failed: {Outcome} {Reason}")]
    public static partial void AckFailed(this ILogger logger, Acking.AckKind kind, int count, AckStatus outcome, string? reason);

    [LoggerMessage(7, LogLevel.Information, "Stopping subscriber on {Subscription}: {HandedOut} messages with the handler, waiting up to {Timeout}")]
    public static partial void Stopping(this ILogger logger, string subscription, int handedOut, TimeSpan timeout);

    [LoggerMessage(8, LogLevel.Warning, "Stop timed out with {Count} messages still with the handler; nacked them for redelivery")]
    public static partial void StopTimedOut(this ILogger logger, int count);

    [LoggerMessage(9, LogLevel.Information, "Subscriber on {Subscription} stopped")]
    public static partial void Stopped(this ILogger logger, string subscription);

    [LoggerMessage(10, LogLevel.Error, "Sending {Kind} of {Count} ack IDs failed unexpectedly")]
    public static partial void AckSendCrashed(this ILogger logger, Exception exception, Acking.AckKind kind, int count);

    [LoggerMessage(11, LogLevel.Debug, "Stream {Stream} silent for {Timeout}; reopening")]
    public static partial void StreamSilent(this ILogger logger, int stream, TimeSpan timeout);

    [LoggerMessage(12, LogLevel.Warning, "Subscription {Subscription} could not be read ({Code}); carrying on, the stream will tell")]
    public static partial void ValidationSkipped(this ILogger logger, string subscription, StatusCode code);

    [LoggerMessage(13, LogLevel.Debug, "Stream {Stream} now asks for {Seconds} s leases (was {Previous} s), learned from processing times")]
    public static partial void StreamAckDeadlineUpdated(this ILogger logger, int stream, int previous, int seconds);

    [LoggerMessage(14, LogLevel.Warning, "Streams did not end within {Timeout} of their half-close; cancelled them (what was still in flight returns when its lease lapses)")]
    public static partial void StreamCloseTimedOut(this ILogger logger, TimeSpan timeout);

    [LoggerMessage(15, LogLevel.Information, "Nacked {Count} messages that arrived on the closing streams after the stop began")]
    public static partial void LateArrivalsNacked(this ILogger logger, int count);
}
