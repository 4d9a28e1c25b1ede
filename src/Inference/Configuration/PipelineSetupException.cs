namespace PullWorker.Inference.Configuration;

/// <summary>
/// The pipeline's configuration or one of its models cannot run; the message is one line that names the key and
/// says what to fix. Start-up reports it as such, while any other exception is a bug and keeps its stack trace.
/// </summary>
public sealed class PipelineSetupException : Exception
{
    public PipelineSetupException(string message)
        : base(message)
    {
    }

    public PipelineSetupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public PipelineSetupException()
    {
    }
}
