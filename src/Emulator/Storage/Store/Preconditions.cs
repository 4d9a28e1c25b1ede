using PullWorker.Emulator.Storage.Errors;

namespace PullWorker.Emulator.Storage.Store;

/// <summary>
/// The <c>ifGenerationMatch</c> family of query parameters. <c>ifGenerationMatch=0</c> means "only if no
/// live object exists" (create only); <c>ifGenerationNotMatch=0</c> means "only if one exists".
/// </summary>
internal sealed record Preconditions(
    long? IfGenerationMatch,
    long? IfGenerationNotMatch,
    long? IfMetagenerationMatch,
    long? IfMetagenerationNotMatch)
{
    public static Preconditions None { get; } = new(null, null, null, null);

    /// <summary>For uploads and deletes: any condition that does not hold is a 412.</summary>
    /// <exception cref="StorageException">412 conditionNotMet.</exception>
    public void CheckWrite(ObjectEntry? current)
    {
        if (!MatchesHold(current) || !NotMatchesHold(current))
        {
            throw StorageException.ConditionNotMet();
        }
    }

    /// <summary>
    /// For reads of an existing object: a failed "match" is a 412, a failed "not match" is a 304, the way
    /// HTTP conditional GETs behave.
    /// </summary>
    /// <exception cref="StorageException">412 conditionNotMet or 304 notModified.</exception>
    public void CheckRead(ObjectEntry current)
    {
        if (!MatchesHold(current))
        {
            throw StorageException.ConditionNotMet();
        }

        if (!NotMatchesHold(current))
        {
            throw StorageException.NotModified();
        }
    }

    private bool MatchesHold(ObjectEntry? current) =>
        (IfGenerationMatch is not { } generation || generation == (current?.Generation ?? 0))
        && (IfMetagenerationMatch is not { } metageneration || metageneration == current?.Metageneration);

    private bool NotMatchesHold(ObjectEntry? current) =>
        (IfGenerationNotMatch is not { } generation || generation != (current?.Generation ?? 0))
        && (IfMetagenerationNotMatch is not { } metageneration || metageneration != current?.Metageneration);
}
