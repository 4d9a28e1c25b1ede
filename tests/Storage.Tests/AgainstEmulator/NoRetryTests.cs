using System.Net;
using PullWorker.Storage.Client;
using PullWorker.Storage.Tests.TestSupport;

namespace PullWorker.Storage.Tests.AgainstEmulator;

/// <summary><c>Storage:RetryAttempts=0</c> means "no retries": it is accepted and a failure surfaces at once.</summary>
public sealed class NoRetryTests : EmulatorFixture
{
    [Test]
    [CancelAfter(30_000)]
    public async Task RetryAttemptsZero_InjectedFailure_SurfacesWithoutRetry(CancellationToken cancellationToken)
    {
        await using var services = StorageServices.Build(Emulator.EmulatorHost, settings: new Dictionary<string, string?> { ["Storage:RetryAttempts"] = "0" });
        var requestsBefore = Emulator.RequestCount;
        Emulator.Faults.FailNext(1, 503);

        var error = Assert.ThrowsAsync<GcsException>(() =>
            services.Client().GetMetadataAsync(new GcsUri(ResultsBucket, "absent.json"), cancellationToken));

        Assert.Multiple(() =>
        {
            Assert.That(error!.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(Emulator.RequestCount - requestsBefore, Is.EqualTo(1), "one attempt, no retry");
        });
    }
}
