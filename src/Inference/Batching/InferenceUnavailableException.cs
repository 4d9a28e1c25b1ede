namespace PullWorker.Inference.Batching;

/// <summary>
/// The engine could not process an item for reasons that are not the item's fault (device failure, shutdown):
/// the job must not be answered with an error but retried later (not acknowledged).
/// </summary>
public sealed class InferenceUnavailableException : Exception
{
    public InferenceUnavailableException(string message)
        : base(message)
    {
    }

    public InferenceUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public InferenceUnavailableException()
    {
    }
}
