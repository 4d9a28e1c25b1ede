namespace PullWorker.Inference.Devices;

/// <summary>The configured device cannot be used; the message is one line saying why and how to fix it.</summary>
public sealed class DeviceUnavailableException : Exception
{
    public DeviceUnavailableException(string message)
        : base(message)
    {
    }

    public DeviceUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DeviceUnavailableException()
    {
    }
}
