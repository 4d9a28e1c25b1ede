using Google.Cloud.PubSub.V1;
using Grpc.Net.Client;
using PullWorker.Emulator;
using PullWorker.Jobs.Parsing;
using PullWorker.Tools.Demo;
using PullWorker.Tools.Submit;
using SkiaSharp;

namespace PullWorker.Tools.Tests;

/// <summary><c>submit</c>: files become job messages, published to the emulator and pulled back.</summary>
[TestFixture]
public sealed class SubmitTests
{
    private const string Topic = "projects/cli-test/topics/jobs";
    private const string Subscription = "projects/cli-test/subscriptions/jobs";

    private EmulatorServer _emulator = null!;
    private GrpcChannel _channel = null!;
    private string _directory = string.Empty;

    [SetUp]
    public async Task StartEmulator()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _emulator = await EmulatorServer.StartAsync(EmulatorOptions.DynamicPorts, timeout.Token);
        _channel = GrpcChannel.ForAddress($"http://{_emulator.PubSubEmulatorHost}");
        await new Publisher.PublisherClient(_channel).CreateTopicAsync(new Topic { Name = Topic }, cancellationToken: timeout.Token);
        await new Subscriber.SubscriberClient(_channel).CreateSubscriptionAsync(
            new Subscription { Name = Subscription, Topic = Topic, AckDeadlineSeconds = 60 }, cancellationToken: timeout.Token);
        _directory = Directory.CreateTempSubdirectory("pullworker-submit-test-").FullName;
    }

    [TearDown]
    public async Task StopEmulator()
    {
        _channel.Dispose();
        await _emulator.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Submit_JsonLinesAndPng_PublishesOneMessagePerJob(CancellationToken cancellationToken)
    {
        string[] lines =
        [
            """{"id":"a","inputs":{"x":{"dtype":"float32","shape":[1],"data":[1]}}}""",
            """{"id":"b","inputs":{"x":{"dtype":"float32","shape":[1],"data":[2]}}}""",
            """{"id":"c","inputs":{"x":{"dtype":"float32","shape":[1],"data":[3]}}}""",
        ];
        var jsonl = Path.Combine(_directory, "jobs.jsonl");
        await File.WriteAllLinesAsync(jsonl, [lines[0], "", lines[1], lines[2]], cancellationToken);
        var png = Path.Combine(_directory, "red.png");
        var pngBytes = SampleImages.Patterns[0].Encode(8, 8, SKEncodedImageFormat.Png);
        await File.WriteAllBytesAsync(png, pngBytes, cancellationToken);
        using var console = new TestConsole();

        var messages = await JobFiles.ReadAsync([jsonl, png], "photos/", cancellationToken);
        var ids = await new JobSubmitter(console.Console, _emulator.PubSubEmulatorHost)
            .SubmitAsync(Topic, messages, cancellationToken);
        var received = await PullAsync(ids.Count, cancellationToken);

        var image = received.Single(m => m.Attributes.ContainsKey(JobParser.ContentTypeAttribute));
        Assert.Multiple(() =>
        {
            Assert.That(ids, Has.Count.EqualTo(4).And.Unique);
            Assert.That(received.Select(m => m.MessageId), Is.EquivalentTo(ids));
            Assert.That(received.Where(m => m != image).Select(m => m.Data.ToStringUtf8()), Is.EquivalentTo(lines));
            Assert.That(image.Attributes[JobParser.ContentTypeAttribute], Is.EqualTo("image/png"));
            Assert.That(image.Attributes[JobParser.JobIdAttribute], Is.EqualTo("photos/red.png"));
            Assert.That(image.Data.ToByteArray(), Is.EqualTo(pngBytes));
        });
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task JobFiles_InvalidJsonLine_NamesFileAndLine(CancellationToken cancellationToken)
    {
        var jsonl = Path.Combine(_directory, "broken.jsonl");
        await File.WriteAllLinesAsync(jsonl, ["""{"id":"a","inputs":{}}""", """{"id":"b","inputs":"""], cancellationToken);

        var error = Assert.ThrowsAsync<ArgumentException>(() => JobFiles.ReadAsync([jsonl], "", cancellationToken));

        Assert.That(error.Message, Does.StartWith($"{jsonl}:2: not valid JSON"));
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task JobFiles_UnsupportedExtension_SaysWhichAreSupported(CancellationToken cancellationToken)
    {
        var text = Path.Combine(_directory, "notes.txt");
        await File.WriteAllTextAsync(text, "hello", cancellationToken);

        var error = Assert.ThrowsAsync<ArgumentException>(() => JobFiles.ReadAsync([text], "", cancellationToken));

        Assert.That(error.Message, Is.EqualTo($"{text}: unsupported file type '.txt'; use .png, .jpg, .jpeg or .webp images, .json jobs or .jsonl job lines"));
    }

    private async Task<List<PubsubMessage>> PullAsync(int count, CancellationToken cancellationToken)
    {
        var subscriber = new Subscriber.SubscriberClient(_channel);
        var messages = new List<PubsubMessage>();
        while (messages.Count < count)
        {
            var response = await subscriber.PullAsync(
                new PullRequest { Subscription = Subscription, MaxMessages = count }, cancellationToken: cancellationToken);
            messages.AddRange(response.ReceivedMessages.Select(m => m.Message));
        }

        return messages;
    }
}
