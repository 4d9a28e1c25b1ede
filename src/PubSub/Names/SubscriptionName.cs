namespace PullWorker.PubSub.Names;

/// <summary>A validated <c>projects/{project}/subscriptions/{subscription}</c> name.</summary>
public sealed record SubscriptionName(string ProjectId, string SubscriptionId)
{
    /// <exception cref="FormatException">The name is malformed; the message says which part and why.</exception>
    public static SubscriptionName Parse(string? name)
    {
        var (project, id) = ResourceName.Parse(name, "subscriptions", "subscription");
        return new SubscriptionName(project, id);
    }

    public override string ToString() => $"projects/{ProjectId}/subscriptions/{SubscriptionId}";
}
