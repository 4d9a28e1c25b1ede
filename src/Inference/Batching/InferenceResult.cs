using PullWorker.Inference.Tensors;

namespace PullWorker.Inference.Batching;

/// <summary>A job-level error: the job's own content is at fault, so retrying it would not help.</summary>
/// <param name="Code">A contract error code (<see cref="InferenceErrorCodes"/>).</param>
/// <param name="Message">What exactly was wrong.</param>
public sealed record InferenceError(string Code, string Message);

/// <summary>The contract's error codes the engine produces.</summary>
public static class InferenceErrorCodes
{
    /// <summary>The item made the model fail (isolated from the rest of its batch).</summary>
    public const string InferenceFailed = "inference_failed";

    /// <summary>A tensor's dtype or shape does not match the pipeline input.</summary>
    public const string InvalidTensor = "invalid_tensor";

    /// <summary>The item names an input the pipeline does not have.</summary>
    public const string UnknownInput = "unknown_input";

    /// <summary>The item lacks an input the pipeline needs.</summary>
    public const string MissingInput = "missing_input";
}

/// <summary>One item's outcome: its outputs by name, or a job-level <see cref="InferenceError"/>.</summary>
public sealed class InferenceResult
{
    private InferenceResult(IReadOnlyDictionary<string, TensorData>? outputs, InferenceError? error)
    {
        Outputs = outputs;
        Error = error;
    }

    /// <summary>True when <see cref="Outputs"/> is set.</summary>
    public bool IsSuccess => Outputs is not null;

    /// <summary>The outputs by name (per-item shapes), or null on error.</summary>
    public IReadOnlyDictionary<string, TensorData>? Outputs { get; }

    /// <summary>The error, or null on success.</summary>
    public InferenceError? Error { get; }

    /// <summary>A successful result.</summary>
    public static InferenceResult Success(IReadOnlyDictionary<string, TensorData> outputs) => new(outputs, null);

    /// <summary>A job-level failure.</summary>
    public static InferenceResult Failure(string code, string message) => new(null, new InferenceError(code, message));
}
