namespace PullWorker.Worker.Storage;

/// <summary>
/// A bucket the configuration names, or the storage endpoint, is not usable; the message is one line that names the
/// key or variable and says what to fix.
/// </summary>
public sealed class StorageSetupException : Exception
{
    public StorageSetupException(string message)
        : base(message)
    {
    }

    public StorageSetupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StorageSetupException()
    {
    }
}
