using System.Globalization;
using PullWorker.Emulator.PubSub;
using PullWorker.Jobs.Results;
using PullWorker.Worker.Tests.EndToEnd;

namespace PullWorker.Worker.Tests.Faults;

/// <summary>
/// Jobs published to a deployment, and the promise every fault scenario keeps about them: each has exactly one
/// result object (and the results prefix holds nothing else), each result is what a direct run of the model gives or
/// the error its content deserves, and the subscription is left with nothing unacked.
/// </summary>
internal sealed class PublishedJobs
{
    private PublishedJobs(byte[] model, List<JobCase> cases, IReadOnlyList<string> messageIds)
    {
        Model = model;
        Cases = cases;
        MessageIds = messageIds;
        ExpectedNames = ResultExpectations.ExpectedNames(cases, messageIds);
    }

    /// <summary>Far longer than a job takes from delivery to ack while the worker has work.</summary>
    public static TimeSpan AckQuiet { get; } = TimeSpan.FromSeconds(1);

    public byte[] Model { get; }

    public IReadOnlyList<JobCase> Cases { get; }

    public IReadOnlyList<string> MessageIds { get; }

    /// <summary>The result object names the jobs must produce, in publish order.</summary>
    public IReadOnlyList<string> ExpectedNames { get; }

    public int Count => Cases.Count;

    /// <summary>
    /// Publishes <paramref name="count"/> tensor jobs for <see cref="TensorJobs.Model"/>. With
    /// <paramref name="malformed"/> about one in twenty is malformed (it must get its error result, once, however
    /// often it is delivered); without, every job must get outputs.
    /// </summary>
    public static async Task<PublishedJobs> PublishAsync(
        LocalDeployment deployment, int count, int seed, bool malformed, CancellationToken cancellationToken)
    {
        var cases = malformed
            ? TensorJobs.Create(count, seed)
            : [.. TensorJobs.Create(count * 2, seed).Where(c => c.Error is null).Take(count)];
        var messageIds = await deployment.PublishAllAsync(cases.Select(c => c.Message), cancellationToken);
        return new PublishedJobs(TensorJobs.Model(), cases, messageIds);
    }

    /// <summary>Waits, bounded by the token, until every job has a result and the subscription's backlog is 0.</summary>
    public async Task<(IReadOnlyDictionary<string, JobResult> Results, SubscriptionStats Stats)> WaitUntilDoneAsync(
        LocalDeployment deployment, CancellationToken cancellationToken)
    {
        var results = await deployment.WaitForResultsAsync(Count, cancellationToken);
        var stats = await deployment.WaitForStatsAsync(IsDone, cancellationToken);
        return (deployment.Results(), stats);
    }

    /// <summary>
    /// <see cref="WaitUntilDoneAsync"/> for a worker whose acks may be lost (Google's client does not retry them). A
    /// lost ack leaves its message leased until the lease lapses, and those leases fill the streams' flow-control
    /// budget, so the worker stalls. Whenever no ack arrives for <see cref="AckQuiet"/> while jobs remain, the
    /// emulator's clock jumps past <paramref name="lease"/> and Pub/Sub redelivers them now rather than when they lapse
    /// in real time. Should a jump catch a lease that is still live, that message is delivered once more, which the
    /// worker must handle anyway.
    /// </summary>
    public async Task<(IReadOnlyDictionary<string, JobResult> Results, SubscriptionStats Stats)> WaitUntilDoneSkippingLostAcksAsync(
        LocalDeployment deployment, SkippableClock clock, TimeSpan lease, CancellationToken cancellationToken)
    {
        while (true)
        {
            var before = deployment.Emulator.PubSub.GetStats(deployment.Subscription);
            using var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            quiet.CancelAfter(AckQuiet);
            try
            {
                var stats = await deployment.WaitForStatsAsync(s => IsDone(s) || s.Acked > before.Acked, quiet.Token);
                if (IsDone(stats))
                {
                    return (await deployment.WaitForResultsAsync(Count, cancellationToken), stats);
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                clock.Skip(lease + TimeSpan.FromSeconds(1));
            }
        }
    }

    /// <summary>Asserts the invariant on what the deployment holds now; <paramref name="what"/> names the scenario in failures.</summary>
    public void AssertEachDoneExactlyOnce(LocalDeployment deployment, string what)
    {
        var objects = deployment.Emulator.Storage.ListObjects(LocalDeployment.ResultsBucket);
        var results = deployment.Results();
        var stats = deployment.Emulator.PubSub.GetStats(deployment.Subscription);
        using var reference = new ReferenceModel(Model);
        var mismatches = ResultExpectations.Mismatches(Cases, MessageIds, results, reference);
        Assert.Multiple(() =>
        {
            Assert.That(objects.Select(o => o.Name).Order(), Is.EqualTo(ExpectedNames.Select(n => "out/" + n + ".json").Order()), $"{what}: exactly one result object per job, and no other object");
            Assert.That(mismatches, Is.Empty, $"{what}: results unlike the direct run or the expected error");
            Assert.That(results.Values.Select(r => r.MessageId), Is.SubsetOf(MessageIds), $"{what}: each result names a published message");
            Assert.That(stats.Backlog, Is.Zero, $"{what}: every message acked");
            Assert.That(stats.Outstanding, Is.Zero, $"{what}: no lease left open");
        });
    }

    /// <summary>One line for the test output: how the run went, for the report.</summary>
    public string Summary(SubscriptionStats stats, TimeSpan elapsed, IReadOnlyDictionary<string, JobResult> results) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{Count} jobs in {elapsed.TotalSeconds:F1} s; redelivered results {results.Values.Count(r => r.DeliveryAttempt > 1)}; {stats}");

    private static bool IsDone(SubscriptionStats stats) => stats.Backlog == 0 && stats.Outstanding == 0;
}
