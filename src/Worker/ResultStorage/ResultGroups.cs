using System.Buffers;

namespace PullWorker.Worker.ResultStorage;

/// <summary>
/// Gathers results that complete together into one group: a group is sealed when it holds <c>maxLines</c> lines
/// (<c>Batching:MaxBatchSize</c>, one device batch) or when <c>linger</c> has passed since its first line, whichever
/// comes first, and is then handed to <c>write</c>. Every caller of <see cref="AddAsync"/> waits for its own group's
/// write: it succeeds for all of them or fails for all of them. Groups are written independently, so several may be
/// in flight while the next one fills.
/// </summary>
public sealed class ResultGroups : IDisposable
{
    private readonly int _maxLines;
    private readonly TimeSpan _linger;
    private readonly TimeProvider _time;
    private readonly Func<ResultGroup, Task> _write;
    private readonly Lock _gate = new();
    private OpenGroup? _open;
    private bool _disposed;

    public ResultGroups(int maxLines, TimeSpan linger, TimeProvider time, Func<ResultGroup, Task> write)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLines, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(linger, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(write);
        _maxLines = maxLines;
        _linger = linger;
        _time = time;
        _write = write;
    }

    /// <summary>Adds one line (a UTF-8 JSON document without its newline); completes when its group is written.</summary>
    public Task AddAsync(ReadOnlySpan<byte> line, CancellationToken cancellationToken)
    {
        OpenGroup group;
        var full = false;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            group = _open ??= new OpenGroup(this);
            group.Append(line);
            if (group.Lines >= _maxLines)
            {
                _open = null;
                full = true;
            }
        }

        if (full)
        {
            Seal(group);
        }

        return group.Durable.Task.WaitAsync(cancellationToken);
    }

    public void Dispose()
    {
        OpenGroup? left;
        lock (_gate)
        {
            _disposed = true;
            left = _open;
            _open = null;
        }

        if (left is not null)
        {
            left.Timer.Dispose();
            left.Durable.TrySetException(new ObjectDisposedException(nameof(ResultGroups), "the worker stopped before this group was written"));
        }
    }

    private void LingerOver(OpenGroup group)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_open, group))
            {
                return; // Already sealed because it was full.
            }

            _open = null;
        }

        Seal(group);
    }

    private void Seal(OpenGroup group)
    {
        group.Timer.Dispose();
        _ = WriteAsync(group);
    }

    private async Task WriteAsync(OpenGroup group)
    {
        try
        {
            await _write(new ResultGroup(group.Buffer.WrittenMemory, group.Lines));
            group.Durable.TrySetResult();
        }
        catch (Exception e)
        {
            group.Durable.TrySetException(e);
        }
    }

    private sealed class OpenGroup
    {
        public OpenGroup(ResultGroups owner)
        {
            Timer = owner._time.CreateTimer(state => owner.LingerOver((OpenGroup)state!), this, owner._linger, Timeout.InfiniteTimeSpan);
        }

        public ArrayBufferWriter<byte> Buffer { get; } = new(4096);

        public int Lines { get; private set; }

        public ITimer Timer { get; }

        // Continuations run asynchronously: the writer that completes a group must not run every handler's ack.
        public TaskCompletionSource Durable { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Append(ReadOnlySpan<byte> line)
        {
            Buffer.Write(line);
            Buffer.Write("\n"u8);
            Lines++;
        }
    }
}
