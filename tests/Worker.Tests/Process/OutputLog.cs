namespace PullWorker.Worker.Tests.Process;

/// <summary>The lines one output stream of a process has written, and waiting for a line to appear.</summary>
internal sealed class OutputLog
{
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private bool _ended;

    // Completed, and replaced, each time a line arrives or the stream ends, so waiters look again.
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Adds a line; null means the stream ended.</summary>
    public void Add(string? line)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            if (line is null)
            {
                _ended = true;
            }
            else
            {
                _lines.Add(line);
            }

            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    /// <summary>The first line matching <paramref name="predicate"/>, once written.</summary>
    /// <exception cref="InvalidOperationException">The stream ended (the process exited) without such a line.</exception>
    public async Task<string> WaitForAsync(Func<string, bool> predicate, CancellationToken cancellationToken)
    {
        var seen = 0;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                for (; seen < _lines.Count; seen++)
                {
                    if (predicate(_lines[seen]))
                    {
                        return _lines[seen];
                    }
                }

                if (_ended)
                {
                    throw new InvalidOperationException("the process exited before writing the line waited for");
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }
}
