using System.Globalization;

namespace PullWorker.Emulator;

/// <summary>Where and how the emulator listens. Port 0 picks a free port.</summary>
public sealed record EmulatorOptions
{
    public const int DefaultPubSubPort = 8085;
    public const int DefaultStoragePort = 9023;

    /// <summary>Address both servers bind to; loopback unless a container needs otherwise.</summary>
    public string Host { get; init; } = "127.0.0.1";

    public int PubSubPort { get; init; } = DefaultPubSubPort;

    public int StoragePort { get; init; } = DefaultStoragePort;

    /// <summary>When set, objects live in this folder (one file per object) instead of memory.</summary>
    public string? StorageDirectory { get; init; }

    /// <summary>The clock behind ack deadlines, backoffs and timestamps; tests inject a fake one.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Both servers on free ports: what tests and the worker's local mode use.</summary>
    public static EmulatorOptions DynamicPorts => new() { PubSubPort = 0, StoragePort = 0 };

    /// <summary>Reads <c>--pubsub-port N --storage-port N --storage-dir DIR --host ADDR</c>.</summary>
    /// <exception cref="ArgumentException">An unknown flag, a missing value or a bad port.</exception>
    public static EmulatorOptions Parse(IReadOnlyList<string> args)
    {
        var options = new EmulatorOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var flag = args[i];
            var value = i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{flag} needs a value");
            options = flag switch
            {
                "--pubsub-port" => options with { PubSubPort = ParsePort(flag, value) },
                "--storage-port" => options with { StoragePort = ParsePort(flag, value) },
                "--storage-dir" => options with { StorageDirectory = Path.GetFullPath(value) },
                "--host" => options with { Host = value },
                _ => throw new ArgumentException(
                    $"unknown option {flag}; use --pubsub-port, --storage-port, --storage-dir or --host"),
            };
        }

        return options;
    }

    private static int ParsePort(string flag, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535
            ? port
            : throw new ArgumentException($"{flag} must be a port number from 0 to 65535, got '{value}'");
}
