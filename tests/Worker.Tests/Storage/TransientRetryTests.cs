using System.Net;
using Google;
using Microsoft.Extensions.Time.Testing;
using PullWorker.Worker.Storage;

namespace PullWorker.Worker.Tests.Storage;

public sealed class TransientRetryTests
{
    private static readonly StorageOptions Options = new()
    {
        RetryAttempts = 3,
        RetryBaseDelay = TimeSpan.FromSeconds(1),
        RetryMaxDelay = TimeSpan.FromSeconds(2),
        RequestTimeout = TimeSpan.FromMinutes(10),
    };

    [Test]
    [CancelAfter(10_000)]
    public async Task Run_EveryAttemptHangs_TimesOutOnTheClockAndSaysWhichKey(CancellationToken cancellationToken)
    {
        var clock = new FakeTimeProvider();
        var attempts = 0;
        var retry = new TransientRetry(
            new StorageOptions { RetryAttempts = 1, RetryBaseDelay = Options.RetryBaseDelay, RetryMaxDelay = Options.RetryMaxDelay, RequestTimeout = Options.RequestTimeout },
            clock);

        var running = retry.RunAsync(
            async token =>
            {
                attempts++;
                await Task.Delay(Timeout.InfiniteTimeSpan, token);
                return "never";
            },
            cancellationToken);
        while (!running.IsCompleted)
        {
            // Past one attempt's timeout or one backoff each step; no real time passes for either.
            clock.Advance(TimeSpan.FromMinutes(10));
            await Task.Delay(1, cancellationToken);
        }

        var error = Assert.ThrowsAsync<TimeoutException>(() => running);
        Assert.Multiple(() =>
        {
            Assert.That(attempts, Is.EqualTo(2), "the first attempt and one retry");
            Assert.That(error!.Message, Does.Contain("Storage:RequestTimeout"));
        });
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Run_TransientThenSuccess_RetriesAfterBackoffOnTheClock(CancellationToken cancellationToken)
    {
        var clock = new FakeTimeProvider();
        var attempts = 0;
        var retry = new TransientRetry(Options, clock);

        var running = retry.RunAsync(
            _ => ++attempts < 3 ? throw Status(HttpStatusCode.ServiceUnavailable) : Task.FromResult("done"), cancellationToken);
        while (!running.IsCompleted)
        {
            // Each backoff is at most the 2 s cap; advancing past it releases the next attempt.
            clock.Advance(TimeSpan.FromSeconds(2));
            await Task.Delay(1, cancellationToken);
        }

        Assert.Multiple(() =>
        {
            Assert.That(running.Result, Is.EqualTo("done"));
            Assert.That(attempts, Is.EqualTo(3));
        });
    }

    [Test]
    [CancelAfter(10_000)]
    public void Run_NotTransient_ThrowsAtOnce(CancellationToken cancellationToken)
    {
        var attempts = 0;
        var retry = new TransientRetry(Options, new FakeTimeProvider());

        var error = Assert.ThrowsAsync<GoogleApiException>(() =>
            retry.RunAsync<bool>(_ => { attempts++; throw Status(HttpStatusCode.Forbidden); }, cancellationToken));

        Assert.Multiple(() =>
        {
            Assert.That(error!.HttpStatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(attempts, Is.EqualTo(1));
        });
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Run_AlwaysTransient_GivesUpAfterRetryAttempts(CancellationToken cancellationToken)
    {
        var clock = new FakeTimeProvider();
        var attempts = 0;
        var retry = new TransientRetry(Options, clock);

        var running = retry.RunAsync<bool>(_ => { attempts++; throw Status(HttpStatusCode.TooManyRequests); }, cancellationToken);
        while (!running.IsCompleted)
        {
            clock.Advance(TimeSpan.FromSeconds(2));
            await Task.Delay(1, cancellationToken);
        }

        Assert.Multiple(() =>
        {
            Assert.That(running.Exception?.InnerException, Is.InstanceOf<GoogleApiException>());
            Assert.That(attempts, Is.EqualTo(Options.RetryAttempts + 1));
        });
    }

    private static GoogleApiException Status(HttpStatusCode status) => new("storage", $"status {(int)status}") { HttpStatusCode = status };
}
