namespace PullWorker.Inference.Configuration;

/// <summary>Where the pipeline runs (<c>Pipeline:Device</c>).</summary>
public enum DeviceKind
{
    /// <summary>CUDA when the provider and a GPU are present, otherwise the CPU; the choice is logged.</summary>
    Auto,

    /// <summary>The CPU execution provider.</summary>
    Cpu,

    /// <summary>The CUDA execution provider; start-up fails when it is not available.</summary>
    Cuda,
}
