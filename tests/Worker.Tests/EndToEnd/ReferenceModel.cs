using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace PullWorker.Worker.Tests.EndToEnd;

/// <summary>The model run directly with ONNX Runtime, one item at a time: what the worker's outputs must equal.</summary>
internal sealed class ReferenceModel(byte[] model) : IDisposable
{
    private readonly InferenceSession _session = new(model);

    /// <summary>Each output's values as doubles (float32 and int64 alike), without the batch dimension.</summary>
    public IReadOnlyDictionary<string, double[]> Run(IReadOnlyList<ReferenceInput> inputs)
    {
        var values = inputs.Select(ToOrtValue).ToList();
        try
        {
            var names = _session.OutputNames;
            using var outputs = _session.Run(new RunOptions(), inputs.Select(i => i.Name).ToList(), values, names);
            return names.Zip(outputs).ToDictionary(o => o.First, o => ToDoubles(o.Second), StringComparer.Ordinal);
        }
        finally
        {
            values.ForEach(v => v.Dispose());
        }
    }

    public void Dispose() => _session.Dispose();

    private static OrtValue ToOrtValue(ReferenceInput input) => input.Data switch
    {
        float[] data => OrtValue.CreateTensorValueFromMemory(data, input.Shape),
        long[] data => OrtValue.CreateTensorValueFromMemory(data, input.Shape),
        byte[] data => OrtValue.CreateTensorValueFromMemory(data, input.Shape),
        _ => throw new NotSupportedException($"reference inputs of {input.Data.GetType()} are not supported"),
    };

    private static double[] ToDoubles(OrtValue value) => value.GetTensorTypeAndShape().ElementDataType switch
    {
        TensorElementType.Float => [.. value.GetTensorDataAsSpan<float>().ToArray().Select(v => (double)v)],
        TensorElementType.Int64 => [.. value.GetTensorDataAsSpan<long>().ToArray().Select(v => (double)v)],
        var type => throw new NotSupportedException($"reference outputs of {type} are not supported"),
    };
}
