using Microsoft.ML.OnnxRuntime;
using PullWorker.Inference.Tensors;

namespace PullWorker.Inference.Execution;

/// <summary>
/// Everything one batch size needs, set up once: one IO binding per stage with every stage output bound to a
/// device tensor that the next stage's binding reads directly, the inputs that come from the batch (rebound to
/// the staging rows for every batch), and where the final outputs land in host memory. It also measures, from
/// the tensors it actually binds, which of them cross between host and device memory.
/// </summary>
internal sealed class Bucket : IDisposable
{
    private readonly List<OrtValue> _owned = [];
    private readonly List<OrtIoBinding> _bindings = [];
    private readonly List<(OrtIoBinding Binding, string ModelName, int Input)> _batchInputs = [];
    private readonly List<(NativeBuffer From, NativeBuffer To, int BeforeStage)> _hostRoundTrips = [];

    private Bucket(int size) => Size = size;

    public int Size { get; }

    /// <summary>Per stage, its binding.</summary>
    public IReadOnlyList<OrtIoBinding> StageBindings => _bindings;

    /// <summary>Device tensors of the final outputs, in plan order.</summary>
    public IReadOnlyList<OrtValue> DeviceOutputs { get; private set; } = [];

    /// <summary>Host tensors the final outputs are read from: the device tensors themselves when the device is the host.</summary>
    public IReadOnlyList<OrtValue> HostOutputs { get; private set; } = [];

    /// <summary>The host outputs as results read them, valid until the bucket runs again.</summary>
    public BatchOutputs Outputs { get; private set; } = null!;

    /// <summary>Final outputs that must be copied from device to host memory after each batch.</summary>
    public int Downloads { get; private set; }

    /// <summary>
    /// Stage inputs fed by an earlier stage that are not bound to the device tensor that stage wrote (a host copy in
    /// between, or host memory): measured from the bound tensors' memory and addresses when the stages are bound.
    /// </summary>
    public int InterStageHostCopies { get; private set; }

    /// <summary>
    /// Binds every stage and runs each once with outputs allocated by ONNX Runtime on the device (so output shapes
    /// need not be declared), then keeps those tensors and binds them for good: later runs write into the same
    /// memory, and the next stage's binding already points at it. <paramref name="slot"/> must hold a valid batch.
    /// </summary>
    /// <param name="hostRoundTrips">
    /// Copies every stage-to-stage tensor through host memory, the fault <see cref="InterStageHostCopies"/> exists to
    /// catch; tests use it to show the measurement sees such copies.
    /// </param>
    public static Bucket Bind(
        int size, PipelinePlan plan, StagingSlot slot, DeviceMemory memory, RunOptions runOptions, bool hostRoundTrips)
    {
        var bucket = new Bucket(size);
        try
        {
            bucket.BindStages(plan, slot, memory, runOptions, hostRoundTrips);
            return bucket;
        }
        catch
        {
            bucket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Binds the stages' batch inputs to the staging rows of <paramref name="slot"/> and returns how many of them
    /// are host memory on a device that is not the host: ONNX Runtime copies each of those to the device now, at
    /// bind time (its IO binding contract: a tensor bound in other memory than the session's device is copied when
    /// bound, and later writes to the source are not seen until it is bound again). So each is one upload, and the
    /// staging rows are free again as soon as this returns.
    /// </summary>
    public int BindBatchInputs(StagingSlot slot, DeviceMemory memory)
    {
        var views = slot.ViewsFor(Size);
        var uploads = 0;
        foreach (var (binding, modelName, input) in _batchInputs)
        {
            binding.BindInput(modelName, views[input]);
            uploads += memory.IsOnDevice(views[input]) ? 0 : 1;
        }

        return uploads;
    }

    /// <summary>Runs the host round trips configured before stage <paramref name="stage"/> (none in the product).</summary>
    public void CopyThroughHost(int stage)
    {
        foreach (var (from, to, beforeStage) in _hostRoundTrips)
        {
            if (beforeStage == stage)
            {
                from.Span.CopyTo(to.Span);
            }
        }
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

    private void BindStages(PipelinePlan plan, StagingSlot slot, DeviceMemory memory, RunOptions runOptions, bool hostRoundTrips)
    {
        var views = slot.ViewsFor(Size);
        var tensors = new Dictionary<string, OrtValue>(StringComparer.Ordinal);
        var batchInputs = plan.Inputs.Select(spec => spec.Name).ToList();
        for (var stageIndex = 0; stageIndex < plan.Stages.Count; stageIndex++)
        {
            var stage = plan.Stages[stageIndex];
            var binding = stage.Session.CreateIoBinding();
            _bindings.Add(binding);
            foreach (var (modelName, source) in stage.Inputs)
            {
                var input = batchInputs.IndexOf(source);
                if (input >= 0)
                {
                    _batchInputs.Add((binding, modelName, input));
                    binding.BindInput(modelName, views[input]);
                    continue;
                }

                var produced = tensors[source];
                var bound = hostRoundTrips ? HostCopyOf(produced, memory, stageIndex) : produced;
                binding.BindInput(modelName, bound);
                if (!memory.IsOnDevice(bound) || new NativeBuffer(bound).Address != new NativeBuffer(produced).Address)
                {
                    InterStageHostCopies++;
                }
            }

            foreach (var (modelName, _) in stage.Outputs)
            {
                binding.BindOutputToDevice(modelName, memory.Device);
            }

            CopyThroughHost(stageIndex);
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
        if (memory.IsHost)
        {
            HostOutputs = DeviceOutputs;
        }
        else
        {
            HostOutputs = [.. DeviceOutputs.Select(device =>
            {
                var info = device.GetTensorTypeAndShape();
                return Own(OrtValue.CreateAllocatedTensorValue(memory.HostAllocator, info.ElementDataType, info.Shape));
            })];
            Downloads = HostOutputs.Count;
        }

        Outputs = new BatchOutputs(
            plan.Outputs,
            [.. plan.Outputs.Select((name, i) => LayoutOf(name, DeviceOutputs[i]))],
            [.. HostOutputs.Select(value => new NativeBuffer(value))],
            plan.Labels);
    }

    /// <summary>A host tensor like <paramref name="produced"/>, refreshed from it before <paramref name="stage"/> runs.</summary>
    private OrtValue HostCopyOf(OrtValue produced, DeviceMemory memory, int stage)
    {
        if (!memory.IsHost)
        {
            throw new NotSupportedException("host round trips are a CPU test fixture");
        }

        var info = produced.GetTensorTypeAndShape();
        var copy = Own(OrtValue.CreateAllocatedTensorValue(memory.HostAllocator, info.ElementDataType, info.Shape));
        _hostRoundTrips.Add((new NativeBuffer(produced), new NativeBuffer(copy), stage));
        return copy;
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
