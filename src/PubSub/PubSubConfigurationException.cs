namespace PullWorker.PubSub;

/// <summary>
/// The client cannot work with the configuration it was given: a malformed name, a subscription or topic
/// that does not exist, missing permissions, no credentials. The message says what to fix; retrying does
/// not help.
/// </summary>
public sealed class PubSubConfigurationException : Exception
{
    public PubSubConfigurationException(string message)
        : base(message)
    {
    }

    public PubSubConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public PubSubConfigurationException()
    {
    }
}
