using PullWorker.Worker.Storage;
using PullWorker.Worker.Tests.Fixtures;

namespace PullWorker.Worker.Tests.Storage;

public sealed class StorageAccessCheckTests : StorageEmulatorFixture
{
    [Test]
    [CancelAfter(30_000)]
    public async Task Verify_ExistingBuckets_Passes(CancellationToken cancellationToken)
    {
        var check = new StorageAccessCheck(Client, Options.Value);
        var requestsBefore = Emulator.RequestCount;

        await check.VerifyAsync("Worker:Results", ResultsBucket, "Worker:InputBuckets", [InputsBucket], cancellationToken);

        Assert.That(Emulator.RequestCount - requestsBefore, Is.EqualTo(2), "one testIamPermissions per bucket");
    }

    [Test]
    [CancelAfter(30_000)]
    public void Verify_MissingResultsBucket_NamesKeyAndBucket(CancellationToken cancellationToken)
    {
        var check = new StorageAccessCheck(Client, Options.Value);

        var error = Assert.ThrowsAsync<StorageSetupException>(() =>
            check.VerifyAsync("Worker:Results", "resluts-bucket", "Worker:InputBuckets", [InputsBucket], cancellationToken));

        Assert.That(error!.Message, Is.EqualTo("Worker:Results: bucket 'resluts-bucket' does not exist"));
    }

    [Test]
    [CancelAfter(30_000)]
    public void Verify_SecondInputBucketMissing_NamesItsIndex(CancellationToken cancellationToken)
    {
        var check = new StorageAccessCheck(Client, Options.Value);

        var error = Assert.ThrowsAsync<StorageSetupException>(() =>
            check.VerifyAsync("Worker:Results", ResultsBucket, "Worker:InputBuckets", [InputsBucket, "no-such-inputs"], cancellationToken));

        Assert.That(error!.Message, Is.EqualTo("Worker:InputBuckets:1: bucket 'no-such-inputs' does not exist"));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Verify_TransientFailures_RetriedThenPasses(CancellationToken cancellationToken)
    {
        var check = new StorageAccessCheck(Client, Options.Value);
        Emulator.Faults.FailNext(2, 503);
        var requestsBefore = Emulator.RequestCount;

        await check.VerifyAsync("Worker:Results", ResultsBucket, "Worker:InputBuckets", [], cancellationToken);

        Assert.That(Emulator.RequestCount - requestsBefore, Is.EqualTo(3), "two 503s, then the answer");
    }
}
