using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using PullWorker.Worker.Lifecycle;

namespace PullWorker.Worker.Tests.Lifecycle;

/// <summary>Any watched source that faults fails the worker once; ending normally or being cancelled does not.</summary>
[TestFixture]
public sealed class WorkerFailureTests
{
    [Test]
    [CancelAfter(10_000)]
    public async Task Watch_SecondSourceFaults_ReasonNamesItAndTheHostStopsOnce(CancellationToken cancellationToken)
    {
        var lifetime = new RecordingLifetime();
        var failure = new WorkerFailure(lifetime, NullLogger<WorkerFailure>.Instance);
        var intake = new TaskCompletionSource();
        var device = new TaskCompletionSource();
        failure.Watch("intake", intake.Task);
        failure.Watch("device", device.Task);

        device.SetException(new InvalidOperationException("a known-good batch failed"));
        await lifetime.Stopped.WaitAsync(cancellationToken);
        intake.SetException(new InvalidOperationException("later"));

        Assert.Multiple(() =>
        {
            Assert.That(failure.Reason, Is.EqualTo("device: a known-good batch failed"));
            Assert.That(lifetime.StopCalls, Is.EqualTo(1));
        });
    }

    [Test]
    public void Watch_SourcesCompleteOrAreCancelled_WorkerStillWorks()
    {
        var lifetime = new RecordingLifetime();
        var failure = new WorkerFailure(lifetime, NullLogger<WorkerFailure>.Instance);

        failure.Watch("completed", Task.CompletedTask);
        failure.Watch("cancelled", Task.FromCanceled(new CancellationToken(canceled: true)));

        Assert.Multiple(() =>
        {
            Assert.That(failure.Reason, Is.Null);
            Assert.That(lifetime.StopCalls, Is.Zero);
        });
    }

    private sealed class RecordingLifetime : IHostApplicationLifetime
    {
        private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _stopCalls;

        public int StopCalls => Volatile.Read(ref _stopCalls);

        public Task Stopped => _stopped.Task;

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
            Interlocked.Increment(ref _stopCalls);
            _stopped.TrySetResult();
        }
    }
}
