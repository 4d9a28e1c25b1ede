using Microsoft.ML.OnnxRuntime;
using PullWorker.Inference.Devices;
using PullWorker.Inference.Onnx;
using PullWorker.Inference.Tensors;

namespace PullWorker.Inference.Execution;

/// <summary>
/// Device transfers done by ONNX Runtime itself: two Identity graphs on the device's provider. The upload
/// session's inputs are bound to the pinned staging views (IO binding copies host memory to the device at bind
/// time) and its outputs to the bucket's device inputs; the download session reads the final device outputs and
/// writes into host outputs. Works for any provider, so it needs no CUDA-specific copy API.
/// </summary>
internal sealed class SessionTransfer : IDeviceTransfer
{
    private readonly InferenceSession _upload;
    private readonly InferenceSession _download;
    private readonly RunOptions _runOptions;
    private readonly Dictionary<int, OrtIoBinding> _uploads = [];
    private readonly Dictionary<int, OrtIoBinding> _downloads = [];

    public SessionTransfer(PipelinePlan plan, ExecutionDevice device, Configuration.PipelineOptions options, RunOptions runOptions)
    {
        _runOptions = runOptions;
        using var sessionOptions = SessionOptionsFactory.Create(device, options);
        _upload = new InferenceSession(
            IdentityModel("upload", plan.Inputs.Select(i => (i.DataType, i.ItemShape.Count + 1)).ToList()), sessionOptions);
        var outputTypes = plan.Stages
            .SelectMany(s => s.Outputs.Select(o => (o.Produced, Metadata: s.Session.OutputMetadata[o.ModelName])))
            .Where(o => plan.Outputs.Contains(o.Produced))
            .ToDictionary(o => o.Produced, o => o.Metadata);
        _download = new InferenceSession(
            IdentityModel("download", [.. plan.Outputs.Select(name =>
            {
                TensorDataTypes.TryFromOrt(outputTypes[name].ElementDataType, out var type);
                return (type, outputTypes[name].Dimensions.Length);
            })]),
            sessionOptions);
    }

    public void Upload(Bucket bucket, StagingSlot slot)
    {
        if (!_uploads.TryGetValue(bucket.Size, out var binding))
        {
            binding = _upload.CreateIoBinding();
            for (var i = 0; i < bucket.DeviceInputs.Count; i++)
            {
                binding.BindOutput($"out_{i}", bucket.DeviceInputs[i]);
            }

            _uploads[bucket.Size] = binding;
        }

        var views = slot.ViewsFor(bucket.Size);
        for (var i = 0; i < views.Count; i++)
        {
            // Binding host memory to a device session copies it now (ORT IO binding semantics): this is the upload.
            binding.BindInput($"in_{i}", views[i]);
        }

        _upload.RunWithBinding(_runOptions, binding);
    }

    public void Download(Bucket bucket)
    {
        if (!_downloads.TryGetValue(bucket.Size, out var binding))
        {
            binding = _download.CreateIoBinding();
            for (var i = 0; i < bucket.DeviceOutputs.Count; i++)
            {
                binding.BindInput($"in_{i}", bucket.DeviceOutputs[i]);
                binding.BindOutput($"out_{i}", bucket.HostOutputs[i]);
            }

            _downloads[bucket.Size] = binding;
        }

        _download.RunWithBinding(_runOptions, binding);
    }

    public void Dispose()
    {
        foreach (var binding in _uploads.Values.Concat(_downloads.Values))
        {
            binding.Dispose();
        }

        _upload.Dispose();
        _download.Dispose();
    }

    private static byte[] IdentityModel(string name, IReadOnlyList<(TensorDataType Type, int Rank)> tensors)
    {
        var builder = new OnnxModelBuilder(name);
        for (var i = 0; i < tensors.Count; i++)
        {
            var dims = Enumerable.Range(0, tensors[i].Rank).Select(d => (Dim)$"d{i}_{d}").ToArray();
            builder.Input($"in_{i}", tensors[i].Type, dims)
                .Node("Identity", [$"in_{i}"], [$"out_{i}"])
                .Output($"out_{i}", tensors[i].Type, dims);
        }

        return builder.Build();
    }
}
