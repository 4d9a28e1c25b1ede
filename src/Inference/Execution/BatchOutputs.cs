using System.Runtime.InteropServices;
using PullWorker.Inference.Stages;
using PullWorker.Inference.Tensors;

namespace PullWorker.Inference.Execution;

/// <summary>
/// The final outputs of the batch a bucket last ran, in host memory, for submissions to copy their rows out of.
/// Valid until the bucket runs again, so only the device thread reads it, right after the run.
/// </summary>
internal sealed class BatchOutputs(IReadOnlyList<string> names, IReadOnlyList<OutputLayout> layouts, IReadOnlyList<NativeBuffer> host, IReadOnlyList<string>? labels)
{
    private readonly int _indicesOutput = labels is null ? -1 : names.ToList().IndexOf(ClassificationPostprocessingStage.IndicesOutput);

    /// <summary>Output names in plan order (without the derived <c>labels</c>).</summary>
    public IReadOnlyList<string> Names { get; } = names;

    /// <summary>Per output, in plan order: dtype and per-row shape.</summary>
    public IReadOnlyList<OutputLayout> Layouts { get; } = layouts;

    /// <summary>The bytes of rows [<paramref name="firstRow"/>, +<paramref name="count"/>) of one output.</summary>
    public ReadOnlySpan<byte> Rows(int output, int firstRow, int count)
    {
        var rowBytes = Layouts[output].RowBytes;
        return host[output].Slice(firstRow * rowBytes, count * rowBytes);
    }

    /// <summary>One row's outputs by name, copied (with <c>labels</c> when a labels file is configured).</summary>
    public Dictionary<string, TensorData> Row(int row)
    {
        var tensors = new Dictionary<string, TensorData>(Names.Count + 1, StringComparer.Ordinal);
        for (var i = 0; i < Names.Count; i++)
        {
            var layout = Layouts[i];
            var data = Array.CreateInstance(layout.Type.ClrType(), layout.RowElements);
            Rows(i, row, 1).CopyTo(MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(data), layout.RowBytes));
            tensors[Names[i]] = TensorData.Create(layout.Type, layout.RowShape, data);
        }

        AddLabels(tensors);
        return tensors;
    }

    /// <summary>Adds the <c>labels</c> tensor (the label of every top-k index, same shape) when a labels file is configured.</summary>
    private void AddLabels(Dictionary<string, TensorData> tensors)
    {
        if (_indicesOutput < 0)
        {
            return;
        }

        var indices = tensors[Names[_indicesOutput]];
        var values = indices.AsSpan<long>();
        var text = new string[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            text[i] = labels![(int)values[i]];
        }

        tensors[ClassificationPostprocessingStage.LabelsOutput] = TensorData.Create(TensorDataType.String, [.. indices.Shape], text);
    }
}
