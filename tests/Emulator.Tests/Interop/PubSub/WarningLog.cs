using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PullWorker.Emulator.Tests.Interop.PubSub;

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
