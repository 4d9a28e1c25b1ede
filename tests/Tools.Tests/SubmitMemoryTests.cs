namespace PullWorker.Tools.Tests;

/// <summary>
/// <c>submit gs://bucket/prefix/</c> streams the listing and keeps a bounded publish window, so its memory does not
/// grow with the number of objects: once its publish window (5,000 messages) has filled, the peak resident memory of
/// the process (VmHWM) for three times the objects stays within <see cref="MaxGrowthMegabytes"/> (measured here:
/// 112-117 MB for 15,000 objects, 116-121 MB for 45,000 alone; up to 20 MB apart when the whole suite runs beside it,
/// from the garbage collector's own sizing).
/// </summary>
[TestFixture]
public sealed class SubmitMemoryTests
{
    private const int Small = 15_000;
    private const int Large = 45_000;

    /// <summary>30,000 more objects; a listing held whole (object metadata, names, messages: over 1.5 KB each) would add more.</summary>
    private const double MaxGrowthMegabytes = 40;

    [Test]
    [CancelAfter(180_000)]
    public async Task Submit_ThreeTimesTheObjects_PeakMemoryStaysWithinTheBound(CancellationToken cancellationToken)
    {
        await using var deployment = await LocalDeployment.CreateAsync("submit-memory", cancellationToken);
        await UploadAsync(deployment, "small/", Small, cancellationToken);
        await UploadAsync(deployment, "large/", Large, cancellationToken);

        var small = await PeakMegabytesAsync(deployment, "small/", cancellationToken);
        var large = await PeakMegabytesAsync(deployment, "large/", cancellationToken);
        var published = deployment.Emulator.PubSub.GetStats(deployment.Subscription).Backlog;

        await TestContext.Out.WriteLineAsync($"submit peak memory: {small:F0} MB for {Small:N0} objects, {large:F0} MB for {Large:N0}");
        Assert.Multiple(() =>
        {
            Assert.That(published, Is.EqualTo(Small + Large), "every object published once");
            Assert.That(large - small, Is.LessThan(MaxGrowthMegabytes));
        });
    }

    private static Task UploadAsync(LocalDeployment deployment, string prefix, int count, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (i, token) => await deployment.UploadAsync(
                LocalDeployment.InputsBucket, $"{prefix}img-{i:D6}.png", [1, 2, 3], "image/png", token));

    private static Task<double> PeakMegabytesAsync(LocalDeployment deployment, string prefix, CancellationToken cancellationToken) =>
        ToolProcess.PeakMegabytesAsync(
            ["submit", "--topic", deployment.Topic, $"gs://{LocalDeployment.InputsBucket}/{prefix}"],
            new Dictionary<string, string>
            {
                ["PUBSUB_EMULATOR_HOST"] = deployment.Emulator.PubSubEmulatorHost,
                ["STORAGE_EMULATOR_HOST"] = deployment.Emulator.StorageEmulatorHost,
            },
            cancellationToken);
}
