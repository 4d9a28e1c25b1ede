using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using PullWorker.Emulator.Storage.Errors;
using PullWorker.Emulator.Storage.Store;

namespace PullWorker.Emulator.Storage.Uploads;

/// <summary>The open resumable upload sessions, by <c>upload_id</c>. Sessions expire a week after they start.</summary>
internal sealed class ResumableSessions(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    private readonly ConcurrentDictionary<string, ResumableSession> _sessions = new(StringComparer.Ordinal);

    public ResumableSession Start(string bucket, ObjectDraft template, Preconditions conditions, long? declaredLength)
    {
        RemoveExpired();
        var id = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));
        var session = new ResumableSession(id, bucket, template, conditions, declaredLength, time.GetUtcNow());
        _sessions[id] = session;
        return session;
    }

    /// <exception cref="StorageException">404 for an unknown, cancelled or expired session.</exception>
    public ResumableSession Find(string id) =>
        _sessions.TryGetValue(id, out var session) && !IsExpired(session)
            ? session
            : throw new StorageException(404, "notFound", $"No such upload session: {id}");

    /// <summary>Ends a session; false when there was none.</summary>
    public bool Cancel(string id) => _sessions.TryRemove(id, out _);

    private bool IsExpired(ResumableSession session) => time.GetUtcNow() - session.StartedAt > Lifetime;

    private void RemoveExpired()
    {
        foreach (var (id, session) in _sessions)
        {
            if (IsExpired(session))
            {
                _sessions.TryRemove(id, out _);
            }
        }
    }
}
