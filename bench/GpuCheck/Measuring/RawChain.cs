using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using PullWorker.GpuCheck.Scenarios;
using PullWorker.Inference.Onnx;
using PullWorker.Inference.Tensors;

namespace PullWorker.GpuCheck.Measuring;

/// <summary>
/// How the raw baseline runs: on which device, whether CUDA graphs replay each stage, and whether the upload and
/// download are sessions of their own (which graphs need; on the CPU only to test that wiring).
/// </summary>
internal sealed record RawMode(bool Cuda, int DeviceId, bool CudaGraphs, bool SeparateCopySessions)
{
    public static RawMode Cpu { get; } = new(false, 0, false, false);

    public static RawMode Gpu(int deviceId, bool cudaGraphs) => new(true, deviceId, cudaGraphs, SeparateCopySessions: cudaGraphs);
}

/// <summary>
/// The baseline: one <see cref="InferenceSession"/> per model, chained with IoBinding over buffers allocated once
/// for one batch size, so nothing but ONNX Runtime's own work is timed. The batch is uploaded from host memory and
/// the final outputs downloaded to host memory on every <see cref="Run"/>, as the engine does. With CUDA graphs every
/// bound address must stay fixed, so the upload and download are their own Identity sessions around the graphs.
/// </summary>
internal sealed class RawChain : IDisposable
{
    private readonly List<IDisposable> _owned = [];
    private readonly List<(InferenceSession Session, OrtIoBinding Binding)> _steps = [];
    private readonly OrtValue _hostInput;
    private readonly Dictionary<string, OrtValue> _hostOutputs = new(StringComparer.Ordinal);
    private readonly string _firstInputName;
    private readonly bool _rebindInputEachRun;
    private readonly RunOptions _runOptions = new();

    private RawChain(IReadOnlyList<byte[]> models, ScenarioInput input, int batchSize, RawMode mode)
    {
        BatchSize = batchSize;
        _owned.Add(_runOptions);
        _hostInput = Own(OrtValue.CreateAllocatedTensorValue(
            OrtAllocator.DefaultInstance, ElementType(input.DataType), [batchSize, .. input.ItemShape]));
        var sessions = models.Select(model => Own(new InferenceSession(model, Own(SessionOptionsFor(mode))))).ToList();
        var deviceMemory = mode.Cuda
            ? Own(new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, mode.DeviceId, OrtMemType.Default))
            : null;
        OrtValue DeviceTensor(InferenceSession session, NodeMetadata metadata) => Own(OrtValue.CreateAllocatedTensorValue(
            deviceMemory is null ? OrtAllocator.DefaultInstance : Own(new OrtAllocator(session, deviceMemory)),
            metadata.ElementDataType,
            ShapeFor(metadata, batchSize)));

        // ONNX Runtime copies a host input to the device at bind time, so on a GPU the host buffer is bound again
        // before each run. Without graphs the first stage reads it; with graphs an upload session copies it into the
        // fixed device buffer the first stage's graph reads.
        var uploadSeparately = mode.SeparateCopySessions;
        _rebindInputEachRun = mode.Cuda;
        var firstInput = sessions[0].InputNames.Single();
        OrtValue current = _hostInput;
        if (uploadSeparately)
        {
            var upload = Own(new InferenceSession(Identity(sessions[0].InputMetadata[firstInput]), Own(SessionOptionsFor(mode with { CudaGraphs = false }))));
            current = DeviceTensor(upload, upload.OutputMetadata["y"]);
            _steps.Add((upload, Bind(upload, ("x", _hostInput), ("y", current))));
            firstInput = "x";
        }

        _firstInputName = firstInput;
        var downloads = new List<(NodeMetadata Metadata, string Name, OrtValue Device)>();
        for (var i = 0; i < sessions.Count; i++)
        {
            var session = sessions[i];
            var binding = Own(session.CreateIoBinding());
            binding.BindInput(session.InputNames.Single(), current);
            var last = i == sessions.Count - 1;
            foreach (var name in session.OutputNames)
            {
                var metadata = session.OutputMetadata[name];
                if (last && !uploadSeparately)
                {
                    binding.BindOutput(name, _hostOutputs[name] = HostTensor(metadata, batchSize));
                    continue;
                }

                current = DeviceTensor(session, metadata);
                binding.BindOutput(name, current);
                if (last)
                {
                    downloads.Add((metadata, name, current));
                }
            }

            _steps.Add((session, binding));
        }

        foreach (var (metadata, name, device) in downloads)
        {
            var download = Own(new InferenceSession(Identity(metadata), Own(SessionOptionsFor(mode with { CudaGraphs = false }))));
            _steps.Add((download, Bind(download, ("x", device), ("y", _hostOutputs[name] = HostTensor(metadata, batchSize)))));
        }

        OutputNames = [.. sessions[^1].OutputNames];
    }

    public int BatchSize { get; }

    /// <summary>The final outputs, in the last model's order.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    public static RawChain Create(IReadOnlyList<byte[]> models, ScenarioInput input, int batchSize, RawMode mode)
    {
        ArgumentNullException.ThrowIfNull(models);
        return new RawChain(models, input, batchSize, mode);
    }

    /// <summary>Copies items into the host input buffer, row by row (fewer items leave the other rows as they were).</summary>
    public void SetInputs(IReadOnlyList<TensorData> items)
    {
        var buffer = _hostInput.GetTensorMutableRawData();
        var offset = 0;
        foreach (var item in items)
        {
            var bytes = ItemBytes(item);
            bytes.CopyTo(buffer[offset..]);
            offset += bytes.Length;
        }
    }

    /// <summary>One batch: upload, every stage, download.</summary>
    public void Run()
    {
        if (_rebindInputEachRun)
        {
            _steps[0].Binding.BindInput(_firstInputName, _hostInput);
        }

        foreach (var (session, binding) in _steps)
        {
            session.RunWithBinding(_runOptions, binding);
        }
    }

    /// <summary>A final float output of the last <see cref="Run"/>, row-major with the batch first.</summary>
    public float[] Output(string name) => _hostOutputs[name].GetTensorDataAsSpan<float>().ToArray();

    public void Dispose()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }
    }

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    private OrtValue HostTensor(NodeMetadata metadata, int batchSize) =>
        Own(OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, metadata.ElementDataType, ShapeFor(metadata, batchSize)));

    private OrtIoBinding Bind(InferenceSession session, params (string Name, OrtValue Value)[] bindings)
    {
        var binding = Own(session.CreateIoBinding());
        binding.BindInput(bindings[0].Name, bindings[0].Value);
        binding.BindOutput(bindings[1].Name, bindings[1].Value);
        return binding;
    }

    /// <summary>The engine's session settings (see the Inference project's SessionOptionsFactory), plus the graph switch.</summary>
    private static SessionOptions SessionOptionsFor(RawMode mode)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        if (mode.Cuda)
        {
            using var cuda = new OrtCUDAProviderOptions();
            cuda.UpdateOptions(new Dictionary<string, string>
            {
                ["device_id"] = mode.DeviceId.ToString(CultureInfo.InvariantCulture),
                ["cudnn_conv_algo_search"] = "EXHAUSTIVE",
                ["arena_extend_strategy"] = "kSameAsRequested",
                ["do_copy_in_default_stream"] = "1",
                ["enable_cuda_graph"] = mode.CudaGraphs ? "1" : "0",
            });
            options.AppendExecutionProvider_CUDA(cuda);
        }

        return options;
    }

    private static byte[] Identity(NodeMetadata metadata)
    {
        var dims = metadata.Dimensions.Select((d, i) => i == 0 ? (Dim)"N" : (Dim)d).ToArray();
        var type = metadata.ElementDataType switch
        {
            TensorElementType.Float => TensorDataType.Float32,
            TensorElementType.UInt8 => TensorDataType.UInt8,
            var other => throw new NotSupportedException($"no identity model for {other}"),
        };
        return new OnnxModelBuilder("identity")
            .Input("x", type, dims)
            .Node("Identity", ["x"], ["y"])
            .Output("y", type, dims)
            .Build();
    }

    private static long[] ShapeFor(NodeMetadata metadata, int batchSize) =>
        [.. metadata.Dimensions.Select((d, i) => i == 0 ? batchSize : (long)d)];

    private static TensorElementType ElementType(TensorDataType type) => type switch
    {
        TensorDataType.Float32 => TensorElementType.Float,
        TensorDataType.UInt8 => TensorElementType.UInt8,
        _ => throw new NotSupportedException($"the self-check feeds only float32 and uint8 inputs, not {type}"),
    };

    private static ReadOnlySpan<byte> ItemBytes(TensorData item) => item.DataType switch
    {
        TensorDataType.UInt8 => item.AsSpan<byte>(),
        TensorDataType.Float32 => MemoryMarshal.AsBytes(item.AsSpan<float>()),
        _ => throw new NotSupportedException($"the self-check feeds only float32 and uint8 inputs, not {item.DataType}"),
    };
}
