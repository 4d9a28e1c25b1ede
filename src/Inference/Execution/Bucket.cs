using Microsoft.ML.OnnxRuntime;
using PullWorker.Inference.Tensors;

namespace PullWorker.Inference.Execution;

/// <summary>
/// Everything one batch size needs, allocated once: the device input tensors, one IO binding per stage with every
/// stage output bound to a device tensor that the next stage's binding reads directly, and the host tensors the
/// final outputs are downloaded into.
/// </summary>
internal sealed class Bucket : IDisposable
{
    private readonly List<OrtValue> _owned = [];
    private readonly List<OrtIoBinding> _bindings = [];

    private Bucket(int size) => Size = size;

    public int Size { get; }

    /// <summary>Device tensors of the pipeline inputs, [Size, ...item shape], in plan order.</summary>
    public IReadOnlyList<OrtValue> DeviceInputs { get; private set; } = [];

    /// <summary>Per stage, its binding.</summary>
    public IReadOnlyList<OrtIoBinding> StageBindings => _bindings;

    /// <summary>Device tensors of the final outputs, in plan order.</summary>
    public IReadOnlyList<OrtValue> DeviceOutputs { get; private set; } = [];

    /// <summary>Host tensors the final outputs land in, in plan order.</summary>
    public IReadOnlyList<OrtValue> HostOutputs { get; private set; } = [];

    /// <summary>When the device is the host (CPU): the memory of <see cref="DeviceInputs"/>, else empty.</summary>
    public IReadOnlyList<NativeBuffer> DeviceInputBuffers { get; private set; } = [];

    /// <summary>When the device is the host (CPU): the memory of <see cref="DeviceOutputs"/>, else empty.</summary>
    public IReadOnlyList<NativeBuffer> DeviceOutputBuffers { get; private set; } = [];

    /// <summary>The memory of <see cref="HostOutputs"/>.</summary>
    public IReadOnlyList<NativeBuffer> HostOutputBuffers { get; private set; } = [];

    /// <summary>The host outputs as results read them, valid until the bucket runs again.</summary>
    public BatchOutputs Outputs { get; private set; } = null!;

    /// <summary>Stage inputs bound to memory that is not the device's (0 unless something is wrong).</summary>
    public int InterStageHostCopies { get; private set; }

    /// <summary>Allocates the device inputs; the stages are bound by <see cref="BindStages"/> once inputs hold data.</summary>
    public static Bucket Allocate(int size, IReadOnlyList<TensorSpec> inputs, DeviceMemory memory)
    {
        var bucket = new Bucket(size);
        bucket.DeviceInputs = [.. inputs.Select(spec => bucket.Own(OrtValue.CreateAllocatedTensorValue(
            memory.DeviceAllocator, spec.DataType.ToOrt(), [size, .. spec.ItemShape])))];
        if (memory.IsHost)
        {
            bucket.DeviceInputBuffers = [.. bucket.DeviceInputs.Select(value => new NativeBuffer(value))];
        }

        return bucket;
    }

    /// <summary>
    /// Runs every stage once with outputs allocated by ONNX Runtime on the device (so output shapes need not be
    /// declared), then keeps those tensors and binds them for good: later runs write into the same memory, and
    /// the next stage's binding already points at it. Call with the device inputs holding a valid batch.
    /// </summary>
    public void BindStages(PipelinePlan plan, DeviceMemory memory, RunOptions runOptions)
    {
        var tensors = new Dictionary<string, OrtValue>(StringComparer.Ordinal);
        for (var i = 0; i < plan.Inputs.Count; i++)
        {
            tensors[plan.Inputs[i].Name] = DeviceInputs[i];
        }

        foreach (var stage in plan.Stages)
        {
            var binding = stage.Session.CreateIoBinding();
            _bindings.Add(binding);
            foreach (var (modelName, source) in stage.Inputs)
            {
                if (!memory.IsOnDevice(tensors[source]))
                {
                    InterStageHostCopies++;
                }

                binding.BindInput(modelName, tensors[source]);
            }

            foreach (var (modelName, _) in stage.Outputs)
            {
                binding.BindOutputToDevice(modelName, memory.Device);
            }

            stage.Session.RunWithBinding(runOptions, binding);
            var names = binding.GetOutputNames();
            var values = binding.GetOutputValues();
            binding.ClearBoundOutputs();
            for (var i = 0; i < names.Length; i++)
            {
                var produced = stage.Outputs.First(o => o.ModelName == names[i]).Produced;
                tensors[produced] = Own(values[i]);
                binding.BindOutput(names[i], values[i]);
            }
        }

        DeviceOutputs = [.. plan.Outputs.Select(name => tensors[name])];
        HostOutputs = [.. DeviceOutputs.Select(device =>
        {
            var info = device.GetTensorTypeAndShape();
            return Own(OrtValue.CreateAllocatedTensorValue(memory.HostAllocator, info.ElementDataType, info.Shape));
        })];
        HostOutputBuffers = [.. HostOutputs.Select(value => new NativeBuffer(value))];
        if (memory.IsHost)
        {
            DeviceOutputBuffers = [.. DeviceOutputs.Select(value => new NativeBuffer(value))];
        }

        Outputs = new BatchOutputs(
            plan.Outputs, [.. plan.Outputs.Select((name, i) => LayoutOf(name, DeviceOutputs[i]))], HostOutputBuffers, plan.Labels);
    }

    public void Dispose()
    {
        foreach (var binding in _bindings)
        {
            binding.Dispose();
        }

        foreach (var value in _owned)
        {
            value.Dispose();
        }
    }

    private OutputLayout LayoutOf(string name, OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        if (!TensorDataTypes.TryFromOrt(info.ElementDataType, out var type) || type == TensorDataType.String)
        {
            throw new InvalidOperationException($"output '{name}' has type {info.ElementDataType}, which results cannot carry");
        }

        if (info.Shape.Length == 0 || info.Shape[0] != Size)
        {
            throw new InvalidOperationException(
                $"output '{name}' has shape [{string.Join(',', info.Shape)}] for a batch of {Size}; outputs must be batch-major");
        }

        return new OutputLayout(type, info.Shape[1..]);
    }

    private OrtValue Own(OrtValue value)
    {
        _owned.Add(value);
        return value;
    }
}
