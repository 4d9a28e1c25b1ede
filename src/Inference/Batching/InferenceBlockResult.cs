using PullWorker.Inference.Tensors;

namespace PullWorker.Inference.Batching;

/// <summary>
/// A block's outcome: the outputs of all its rows (rows first, in submission order), and the rows that failed on
/// their own; or, when the block as a whole was invalid, only <see cref="Error"/>.
/// </summary>
public sealed class InferenceBlockResult
{
    private static readonly IReadOnlyDictionary<int, InferenceError> NoRowErrors = new Dictionary<int, InferenceError>();

    private InferenceBlockResult(
        int rowCount, IReadOnlyDictionary<string, TensorData>? outputs, IReadOnlyDictionary<int, InferenceError> rowErrors, InferenceError? error)
    {
        RowCount = rowCount;
        Outputs = outputs;
        RowErrors = rowErrors;
        Error = error;
    }

    /// <summary>The number of rows submitted.</summary>
    public int RowCount { get; }

    /// <summary>True when <see cref="Outputs"/> is set (some rows may still be in <see cref="RowErrors"/>).</summary>
    public bool IsSuccess => Outputs is not null;

    /// <summary>The outputs by name, <c>[rows, ...]</c>; rows listed in <see cref="RowErrors"/> hold zeros (empty labels).</summary>
    public IReadOnlyDictionary<string, TensorData>? Outputs { get; }

    /// <summary>Rows the model failed on, isolated from the rest (<c>inference_failed</c>), by row index.</summary>
    public IReadOnlyDictionary<int, InferenceError> RowErrors { get; }

    /// <summary>Why the whole block was refused (an unknown, missing or mis-shaped input), or null.</summary>
    public InferenceError? Error { get; }

    internal static InferenceBlockResult Success(
        int rowCount, IReadOnlyDictionary<string, TensorData> outputs, IReadOnlyDictionary<int, InferenceError>? rowErrors) =>
        new(rowCount, outputs, rowErrors ?? NoRowErrors, null);

    internal static InferenceBlockResult Failure(int rowCount, InferenceError error) => new(rowCount, null, NoRowErrors, error);
}
