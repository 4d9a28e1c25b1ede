using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Google.Cloud.PubSub.V1;
using PullWorker.Emulator;
using PullWorker.Emulator.PubSub;
using PullWorker.PubSub.Connection;
using PullWorker.PubSub.Publishing;
using PullWorker.PubSub.Subscribing;

namespace PullWorker.PubSub.Bench;

internal static class SubscriberBenchmark
{
    private const string Project = "bench-project";
    private const int MessageBytes = 64;

    public static async Task<int> RunAsync(int count, int streams, CancellationToken cancellationToken)
    {
        await using var emulator = await PubSubEmulator.StartAsync(EmulatorOptions.DynamicPorts, cancellationToken);
        var connection = PubSubConnectionOptions.ForEmulator(emulator.EmulatorHost);
        var topic = $"projects/{Project}/topics/bench";
        var ours = $"projects/{Project}/subscriptions/dotnet";
        var node = $"projects/{Project}/subscriptions/node";
        await CreateAsync(connection, topic, [ours, node], cancellationToken);

        var published = await PublishAsync(connection, topic, count, cancellationToken);
        Console.WriteLine($"published {count:N0} messages of {MessageBytes} B to two subscriptions: {published:N0} msg/s");

        var oursRate = await RunOursAsync(connection, new SubscriberSettings { Subscription = ours, StreamCount = streams }, count, emulator, cancellationToken);
        Console.WriteLine($"pullworker subscriber : {oursRate,10:N0} msg/s ({streams} streams)");
        var nodeRate = await RunNodeAsync(emulator.EmulatorHost, node, count, emulator, cancellationToken);
        Console.WriteLine($"@google-cloud/pubsub  : {nodeRate,10:N0} msg/s");
        Console.WriteLine($"ratio (ours / node)   : {oursRate / nodeRate:F2}");
        return oursRate >= nodeRate ? 0 : 1;
    }

    private static async Task CreateAsync(PubSubConnectionOptions options, string topic, string[] subscriptions, CancellationToken cancellationToken)
    {
        using var admin = await PubSubConnection.CreateAsync(options, 1, cancellationToken);
        await admin.NextPublisher().CreateTopicAsync(new Topic { Name = topic }, cancellationToken: cancellationToken);
        foreach (var subscription in subscriptions)
        {
            await admin.NextSubscriber().CreateSubscriptionAsync(
                new Subscription { Name = subscription, Topic = topic, AckDeadlineSeconds = 60 }, cancellationToken: cancellationToken);
        }
    }

    private static async Task<double> PublishAsync(PubSubConnectionOptions options, string topic, int count, CancellationToken cancellationToken)
    {
        var settings = new PublisherSettings { Topic = topic, MaxBatchMessages = PublisherSettings.MaxMessagesPerRequest, MaxPendingMessages = 20_000 };
        await using var publisher = await PubSubPublisher.CreateAsync(settings, options, cancellationToken: cancellationToken);
        var payload = new byte[MessageBytes];
        var watch = Stopwatch.StartNew();
        var sends = new List<Task<string>>(count);
        for (var i = 0; i < count; i++)
        {
            sends.Add(publisher.PublishAsync(payload, cancellationToken: cancellationToken));
        }

        await Task.WhenAll(sends);
        return count / watch.Elapsed.TotalSeconds;
    }

    /// <summary>From start to every message received and every ack flushed (the stop waits for the flush).</summary>
    private static async Task<double> RunOursAsync(
        PubSubConnectionOptions options, SubscriberSettings settings, int count, PubSubEmulator emulator, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var subscriber = await PubSubSubscriber.StartAsync(settings, options, cancellationToken: cancellationToken);
        var reader = subscriber.Messages;
        var received = 0;
        while (received < count && await reader.WaitToReadAsync(cancellationToken))
        {
            while (reader.TryRead(out var message))
            {
                message.Ack();
                received++;
            }
        }

        await subscriber.StopAsync(TimeSpan.FromSeconds(30), cancellationToken);
        var elapsed = watch.Elapsed;
        Verify(emulator, settings.Subscription, count);
        return count / elapsed.TotalSeconds;
    }

    private static async Task<double> RunNodeAsync(
        string emulatorHost, string subscription, int count, PubSubEmulator emulator, CancellationToken cancellationToken)
    {
        var script = Path.Combine(RepositoryRoot(), "tests", "interop", "bench-subscriber.mjs");
        var start = new ProcessStartInfo("node", [script, subscription, count.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["PUBSUB_EMULATOR_HOST"] = emulatorHost },
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"node exited with {process.ExitCode}: {await errors}");
        }

        using var result = JsonDocument.Parse((await output).Trim().Split('\n')[^1]);
        Verify(emulator, subscription, count);
        return result.RootElement.GetProperty("messagesPerSecond").GetDouble();
    }

    /// <summary>A rate only counts if every message was acked as the service sees it (given a moment to settle).</summary>
    private static void Verify(PubSubEmulator emulator, string subscription, int count)
    {
        var stats = emulator.GetStats(subscription);
        for (var wait = 0; wait < 50 && (stats.Backlog != 0 || stats.Acked < count); wait++)
        {
            Thread.Sleep(100);
            stats = emulator.GetStats(subscription);
        }

        if (stats.Backlog != 0 || stats.Acked < count)
        {
            throw new InvalidOperationException($"{subscription}: {stats} after the run; expected {count} acked and no backlog");
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Worker.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Worker.sln not found above " + AppContext.BaseDirectory);
    }
}
