using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using PullWorker.Worker.ResultStorage;

namespace PullWorker.Worker.Tests.ResultStorage;

/// <summary>How the batch layout groups results, on a fake clock: by size, by linger, and what a failed write does.</summary>
[TestFixture]
public sealed class ResultGroupsTests
{
    private static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(10);

    [Test]
    public async Task Add_MaxLinesReached_GroupWrittenAtOnceWithoutWaitingForLinger()
    {
        var clock = new FakeTimeProvider();
        var written = new ConcurrentQueue<ResultGroup>();
        using var groups = new ResultGroups(3, Linger, clock, group => Record(written, group));

        var adds = new[] { "a", "b", "c" }.Select(line => groups.AddAsync(Encoding.UTF8.GetBytes(line), CancellationToken.None)).ToList();
        await Task.WhenAll(adds).WaitAsync(Bounded);

        Assert.Multiple(() =>
        {
            Assert.That(written, Has.Count.EqualTo(1));
            Assert.That(Encoding.UTF8.GetString(written.Single().Content.Span), Is.EqualTo("a\nb\nc\n"));
            Assert.That(written.Single().Lines, Is.EqualTo(3));
        });
    }

    [Test]
    public async Task Add_FewerThanMaxLines_WrittenOnlyWhenLingerHasPassed()
    {
        var clock = new FakeTimeProvider();
        var written = new ConcurrentQueue<ResultGroup>();
        using var groups = new ResultGroups(32, Linger, clock, group => Record(written, group));

        var first = groups.AddAsync("a"u8, CancellationToken.None);
        clock.Advance(Linger - TimeSpan.FromTicks(1));
        var second = groups.AddAsync("b"u8, CancellationToken.None);
        var beforeLinger = written.Count;
        clock.Advance(TimeSpan.FromTicks(1));
        await Task.WhenAll(first, second).WaitAsync(Bounded);

        Assert.Multiple(() =>
        {
            Assert.That(beforeLinger, Is.Zero, "nothing written before the linger since the group's first line");
            Assert.That(written, Has.Count.EqualTo(1));
            Assert.That(Encoding.UTF8.GetString(written.Single().Content.Span), Is.EqualTo("a\nb\n"));
        });
    }

    [Test]
    public async Task Add_AfterAGroupWasSealed_StartsAnIndependentGroupWithItsOwnLinger()
    {
        var clock = new FakeTimeProvider();
        var written = new ConcurrentQueue<ResultGroup>();
        var firstWrite = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writes = 0;
        using var groups = new ResultGroups(2, Linger, clock, async group =>
        {
            // The first group's write hangs: the second must be written regardless.
            if (Interlocked.Increment(ref writes) == 1)
            {
                await firstWrite.Task;
            }

            written.Enqueue(group);
        });

        var a = groups.AddAsync("a"u8, CancellationToken.None);
        var b = groups.AddAsync("b"u8, CancellationToken.None);
        var c = groups.AddAsync("c"u8, CancellationToken.None);
        clock.Advance(Linger);
        await c.WaitAsync(Bounded);
        var pendingWhileFirstHangs = a.IsCompleted || b.IsCompleted;
        firstWrite.SetResult();
        await Task.WhenAll(a, b).WaitAsync(Bounded);

        Assert.Multiple(() =>
        {
            Assert.That(pendingWhileFirstHangs, Is.False, "the first group's callers wait for their own write");
            Assert.That(written.Select(g => Encoding.UTF8.GetString(g.Content.Span)), Is.EqualTo(new[] { "c\n", "a\nb\n" }));
        });
    }

    [Test]
    public async Task Add_WriteFails_EveryCallerOfThatGroupFailsAndTheNextGroupIsUnaffected()
    {
        var clock = new FakeTimeProvider();
        var calls = 0;
        using var groups = new ResultGroups(2, Linger, clock, _ =>
            Interlocked.Increment(ref calls) == 1 ? Task.FromException(new IOException("injected 503")) : Task.CompletedTask);

        var a = groups.AddAsync("a"u8, CancellationToken.None);
        var b = groups.AddAsync("b"u8, CancellationToken.None);
        var failures = await Task.WhenAll(Caught(a), Caught(b)).WaitAsync(Bounded);
        var c = groups.AddAsync("c"u8, CancellationToken.None);
        clock.Advance(Linger);
        await c.WaitAsync(Bounded);

        Assert.Multiple(() =>
        {
            Assert.That(failures, Has.All.InstanceOf<IOException>());
            Assert.That(c.IsCompletedSuccessfully, Is.True);
        });
    }

    [Test]
    public async Task Dispose_WithAnOpenGroup_ItsCallersFailInsteadOfWaitingForever()
    {
        var clock = new FakeTimeProvider();
        var written = new ConcurrentQueue<ResultGroup>();
        var groups = new ResultGroups(32, Linger, clock, group => Record(written, group));
        var pending = groups.AddAsync("a"u8, CancellationToken.None);

        groups.Dispose();
        var failure = await Caught(pending).WaitAsync(Bounded);
        clock.Advance(Linger);

        Assert.Multiple(() =>
        {
            Assert.That(failure, Is.InstanceOf<ObjectDisposedException>());
            Assert.That(written, Is.Empty);
        });
    }

    private static Task Record(ConcurrentQueue<ResultGroup> written, ResultGroup group)
    {
        written.Enqueue(group);
        return Task.CompletedTask;
    }

    private static async Task<Exception?> Caught(Task task)
    {
        try
        {
            await task;
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
