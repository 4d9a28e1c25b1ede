namespace PullWorker.PubSub.Names;

/// <summary>A validated <c>projects/{project}/topics/{topic}</c> name.</summary>
public sealed record TopicName(string ProjectId, string TopicId)
{
    /// <exception cref="FormatException">The name is malformed; the message says which part and why.</exception>
    public static TopicName Parse(string? name)
    {
        var (project, id) = ResourceName.Parse(name, "topics", "topic");
        return new TopicName(project, id);
    }

    public override string ToString() => $"projects/{ProjectId}/topics/{TopicId}";
}
