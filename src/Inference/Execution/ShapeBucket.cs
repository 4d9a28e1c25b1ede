using Microsoft.ML.OnnxRuntime;
using PullWorker.Inference.Configuration;
using PullWorker.Inference.Tensors;

namespace PullWorker.Inference.Execution;

/// <summary>
/// Everything one batch size needs, set up once: one IO binding per stage with every stage output bound to a
/// device tensor that the next stage's binding reads directly, the inputs that come from the batch (rebound to
/// the staging rows for every batch), and where the final outputs land in host memory. It also measures, from
/// the tensors it actually binds, which of them cross between host and device memory.
/// </summary>
internal sealed class ShapeBucket : IDisposable
{
    private readonly List<OrtValue> _owned = [];
    private readonly List<OrtIoBinding> _bindings = [];
    private readonly List<(OrtIoBinding Binding, string ModelName, int Input)> _batchInputs = [];
    private readonly List<(NativeBuffer From, NativeBuffer To, int BeforeStage)> _hostRoundTrips = [];
    private readonly List<(OrtIoBinding Binding, string ModelName, OrtValue Value, int Stage)> _hostStageInputs = [];

    private ShapeBucket(int size) => Size = size;

    public int Size { get; }

    /// <summary>Per stage, its binding.</summary>
    public IReadOnlyList<OrtIoBinding> StageBindings => _bindings;

    /// <summary>The host outputs as results read them, valid until the bucket runs again.</summary>
    public BatchOutputs Outputs { get; private set; } = null!;

    /// <summary>
    /// Final outputs copied from device to host memory per batch: on a device that is not the host, each is bound to
    /// a host (pinned) tensor in the stage producing it, and ONNX Runtime copies it there at the end of that run.
    /// </summary>
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
    public static ShapeBucket Bind(
        int size, PipelinePlan plan, StagingSlot slot, DeviceMemory memory, RunOptions runOptions, bool hostRoundTrips)
    {
        var bucket = new ShapeBucket(size);
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

    /// <summary>
    /// Before stage <paramref name="stage"/> runs: rebinds its inputs that live in host memory (a final output a later
    /// stage also reads, on a device that is not the host), because ONNX Runtime copies them to the device only when
    /// bound; and runs the test fixture's host round trips.
    /// </summary>
    public void PrepareStage(int stage)
    {
        foreach (var (binding, modelName, value, consumer) in _hostStageInputs)
        {
            if (consumer == stage)
            {
                binding.BindInput(modelName, value);
            }
        }

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
                if (!memory.IsOnDevice(bound))
                {
                    _hostStageInputs.Add((binding, modelName, bound, stageIndex));
                }

                if (!memory.IsOnDevice(bound) || new NativeBuffer(bound).Address != new NativeBuffer(produced).Address)
                {
                    InterStageHostCopies++;
                }
            }

            foreach (var (modelName, _) in stage.Outputs)
            {
                binding.BindOutputToDevice(modelName, memory.Device);
            }

            PrepareStage(stageIndex);
            stage.Session.RunWithBinding(runOptions, binding);
            var names = binding.GetOutputNames();
            var values = binding.GetOutputValues();
            binding.ClearBoundOutputs();
            for (var i = 0; i < names.Length; i++)
            {
                var produced = stage.Outputs.First(o => o.ModelName == names[i]).Produced;
                var value = Own(values[i]);
                if (!memory.IsHost && plan.Outputs.Contains(produced))
                {
                    // A result: written straight to host memory by this run, the batch's one copy of it.
                    var info = value.GetTensorTypeAndShape();
                    value = Own(OrtValue.CreateAllocatedTensorValue(memory.HostAllocator, info.ElementDataType, info.Shape));
                    Downloads++;
                }

                tensors[produced] = value;
                binding.BindOutput(names[i], value);
            }
        }

        var results = plan.Outputs.Select(name => tensors[name]).ToList();
        Outputs = new BatchOutputs(
            plan.Outputs,
            [.. plan.Outputs.Select((name, i) => LayoutOf(name, results[i]))],
            [.. results.Select(value => new NativeBuffer(value))],
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
            throw new PipelineSetupException($"output '{name}' has type {info.ElementDataType}, which results cannot carry");
        }

        if (info.Shape.Length == 0 || info.Shape[0] != Size)
        {
            throw new PipelineSetupException(
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
