namespace PullWorker.Jobs.Parsing;

/// <summary>One input value of a parsed job: a <see cref="TensorInput"/> or an <see cref="ImageInput"/>.</summary>
public abstract class JobInput
{
    private protected JobInput()
    {
    }
}
