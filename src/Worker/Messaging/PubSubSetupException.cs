namespace PullWorker.Worker.Messaging;

/// <summary>A Pub/Sub resource or permission the configuration names is not usable; the message says what to fix.</summary>
public sealed class PubSubSetupException(string message, Exception innerException) : Exception(message, innerException);
