using System.Threading.Channels;
using Google.Cloud.PubSub.V1;
using PullWorker.Emulator;
using PullWorker.Emulator.PubSub;
using PullWorker.PubSub.Connection;
using PullWorker.PubSub.Publishing;
using PullWorker.PubSub.Subscribing;

namespace PullWorker.PubSub.Tests.Integration;

/// <summary>A real Pub/Sub emulator on a dynamic port per fixture, and a fresh topic and subscription per test.</summary>
public abstract class EmulatorTestBase
{
    protected const string Project = "test-project";
    private static int _sequence;
    private PubSubConnection _admin = null!;

    protected PubSubEmulator Emulator { get; private set; } = null!;

    protected string Topic { get; private set; } = "";

    protected string Subscription { get; private set; } = "";

    protected PubSubConnectionOptions Connection => PubSubConnectionOptions.ForEmulator(Emulator.EmulatorHost);

    /// <summary>How the fixture's emulator starts; a fixture overrides it to give the emulator a fake clock.</summary>
    protected virtual EmulatorOptions EmulatorOptions => EmulatorOptions.DynamicPorts;

    [OneTimeSetUp]
    public async Task StartEmulatorAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Emulator = await PubSubEmulator.StartAsync(EmulatorOptions, timeout.Token);
        _admin = await PubSubConnection.CreateAsync(Connection, 1, timeout.Token);
    }

    [OneTimeTearDown]
    public async Task StopEmulatorAsync()
    {
        _admin?.Dispose();
        if (Emulator is not null)
        {
            await Emulator.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    [SetUp]
    public async Task CreateTopicAndSubscriptionAsync()
    {
        var id = Interlocked.Increment(ref _sequence);
        Topic = $"projects/{Project}/topics/topic-{id}";
        Subscription = $"projects/{Project}/subscriptions/sub-{id}";
        await _admin.NextPublisher().CreateTopicAsync(new Topic { Name = Topic }, deadline: DateTime.UtcNow.AddSeconds(10));
        await _admin.NextSubscriber().CreateSubscriptionAsync(
            new Google.Cloud.PubSub.V1.Subscription { Name = Subscription, Topic = Topic, AckDeadlineSeconds = 10 },
            deadline: DateTime.UtcNow.AddSeconds(10));
    }

    protected SubscriberSettings Settings(int streams = 2) => new()
    {
        Subscription = Subscription,
        StreamCount = streams,
        AckDeadline = TimeSpan.FromSeconds(10),
    };

    protected Task<PubSubSubscriber> StartSubscriberAsync(SubscriberSettings settings, CancellationToken cancellationToken) =>
        PubSubSubscriber.StartAsync(settings, Connection, timeProvider: null, cancellationToken: cancellationToken);

    protected async Task<IReadOnlyList<string>> PublishAsync(int count, CancellationToken cancellationToken, string prefix = "m")
    {
        await using var publisher = await PubSubPublisher.CreateAsync(
            new PublisherSettings { Topic = Topic, MaxBatchMessages = 500 }, Connection, cancellationToken: cancellationToken);
        var sends = Enumerable.Range(0, count)
            .Select(i => publisher.PublishAsync(System.Text.Encoding.UTF8.GetBytes($"{prefix}-{i}"), cancellationToken: cancellationToken));
        return await Task.WhenAll(sends);
    }

    /// <summary>Reads one message, bounded by the token.</summary>
    protected static async Task<LeasedMessage> ReadAsync(ChannelReader<LeasedMessage> reader, CancellationToken cancellationToken) =>
        await reader.ReadAsync(cancellationToken);

    /// <summary>Waits until the emulator's stats satisfy <paramref name="condition"/> (it settles acks asynchronously).</summary>
    protected async Task<SubscriptionStats> StatsWhenAsync(Func<SubscriptionStats, bool> condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            var stats = Emulator.GetStats(Subscription);
            if (condition(stats))
            {
                return stats;
            }

            await Task.Delay(20, cancellationToken);
        }
    }
}
