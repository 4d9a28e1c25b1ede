using Microsoft.ML.OnnxRuntime;
using PullWorker.Inference.Configuration;

namespace PullWorker.Inference.Devices;

/// <summary>Builds the session options every stage of a pipeline shares.</summary>
internal static class SessionOptionsFactory
{
    public static SessionOptions Create(ExecutionDevice device, PipelineOptions options)
    {
        var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = options.IntraOpThreads,
        };
        try
        {
            // Idle intra-op threads spin by default; in a worker they would steal cores from decoding, batching
            // and I/O, which also run on this machine.
            sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", options.IntraOpSpinning ? "1" : "0");
            if (device.IsCuda)
            {
                using var cuda = new OrtCUDAProviderOptions();
                cuda.UpdateOptions(new Dictionary<string, string>
                {
                    ["device_id"] = device.DeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["cudnn_conv_algo_search"] = options.Cuda.ConvAlgoSearch,
                    ["arena_extend_strategy"] = options.Cuda.ArenaExtendStrategy,
                    // ONNX Runtime's "no limit" is SIZE_MAX; 0 in our configuration means the same.
                    ["gpu_mem_limit"] = options.Cuda.MemoryLimitBytes == 0
                        ? ulong.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture)
                        : options.Cuda.MemoryLimitBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    // Copies on the compute stream: a separate copy stream "may result in data races" (ORT #4829).
                    ["do_copy_in_default_stream"] = "1",
                });
                sessionOptions.AppendExecutionProvider_CUDA(cuda);
            }

            return sessionOptions;
        }
        catch
        {
            sessionOptions.Dispose();
            throw;
        }
    }
}
