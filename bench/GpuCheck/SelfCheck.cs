using PullWorker.GpuCheck.Measuring;
using PullWorker.GpuCheck.Reporting;
using PullWorker.GpuCheck.Scenarios;
using PullWorker.Inference;
using PullWorker.Inference.Configuration;

namespace PullWorker.GpuCheck;

/// <summary>
/// Runs every scenario: the engine's outputs against a CPU reference, then throughput at each batch size, engine
/// against raw IoBinding runs (with CUDA graphs too on a GPU), and writes the report.
/// </summary>
internal static class SelfCheck
{
    /// <summary>The batch size the correctness pass lets the engine form (buckets 1, 2, 4, 8).</summary>
    private const int CorrectnessMaxBatch = 8;

    public static async Task<CheckReport> RunAsync(
        CheckSettings settings, IReadOnlyList<CheckScenario> scenarios, TextWriter progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(scenarios);
        ArgumentNullException.ThrowIfNull(progress);
        var work = Directory.CreateTempSubdirectory("pullworker-gpucheck-");
        try
        {
            var started = DateTimeOffset.UtcNow;
            var memoryBefore = await MemoryAsync(settings, cancellationToken);
            var reports = new List<ScenarioReport>();
            CheckReport? report = null;
            foreach (var scenario in scenarios)
            {
                var paths = scenario.EngineModels.Select(model => Path.Combine(work.FullName, model.FileName)).ToArray();
                for (var i = 0; i < paths.Length; i++)
                {
                    await File.WriteAllBytesAsync(paths[i], scenario.EngineModels[i].Bytes, cancellationToken);
                }

                await progress.WriteLineAsync($"{scenario.Name}: {scenario.Description}");
                var correctness = await CheckOutputsAsync(scenario, paths, settings, cancellationToken);
                await progress.WriteLineAsync($"  outputs vs CPU: {(correctness.Passed ? "pass" : "FAIL: " + correctness.Problem)} (worst scaled error {correctness.WorstScaledError:0.###e+0})");
                var rows = new List<ThroughputRow>();
                var failures = new List<string>();
                foreach (var batchSize in settings.BatchSizes)
                {
                    try
                    {
                        var row = await MeasureAsync(scenario, paths, batchSize, settings, cancellationToken);
                        await progress.WriteLineAsync($"  batch {batchSize,3}: engine {row.EngineItemsPerSecond,10:N0}/s, raw {row.RawItemsPerSecond,10:N0}/s, ratio {row.EngineToRaw:0.00}, raw+graphs {row.RawCudaGraphItemsPerSecond?.ToString("N0") ?? row.RawCudaGraphNote}");
                        rows.Add(row);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // One batch size failing (say, out of GPU memory at 256) must not cost the rest of a rare GPU session.
                        failures.Add($"batch {batchSize}: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
                        await progress.WriteLineAsync($"  {failures[^1]}");
                    }
                }

                reports.Add(new ScenarioReport(scenario.Name, scenario.Description, correctness, rows, failures));

                // Written after every pipeline, so a run cut off by its time limit still leaves what it measured.
                report = new CheckReport(
                    settings.DeviceName,
                    $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}",
                    started,
                    settings.Quick,
                    settings.Window.TotalSeconds,
                    settings.Tolerance.Relative,
                    memoryBefore,
                    [.. reports]);
                await ReportWriter.WriteAsync(report, settings.OutputFolder, cancellationToken);
            }

            return report ?? throw new ArgumentException("no scenario to check", nameof(scenarios));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task<CorrectnessReport> CheckOutputsAsync(
        CheckScenario scenario, IReadOnlyList<string> paths, CheckSettings settings, CancellationToken cancellationToken)
    {
        var items = Enumerable.Range(0, settings.CorrectnessItems).Select(scenario.Item).ToArray();
        var reference = CpuReference.Outputs(scenario, [.. items.Select(item => item.Inputs[scenario.Input.Name])]);
        await using var engine = await StartEngineAsync(scenario, paths, settings, CorrectnessMaxBatch, buckets: null, cancellationToken);
        var results = await Throughput.InferAllAsync(engine, items, cancellationToken);
        var copies = EngineCopies.Of(engine);
        double worst = 0;
        string? problem = null;
        foreach (var name in engine.Outputs)
        {
            if (!reference.TryGetValue(name, out var expected))
            {
                problem ??= $"the engine returns '{name}', which the reference chain does not produce";
                continue;
            }

            var perItem = expected.Length / items.Length;
            var scale = Tolerance.ScaleOf(expected);
            for (var i = 0; i < results.Length; i++)
            {
                if (results[i].Outputs?.GetValueOrDefault(name) is not { } actual)
                {
                    problem ??= $"item {i} got no '{name}' ({results[i].Error?.Code}: {results[i].Error?.Message})";
                    continue;
                }

                var error = Tolerance.ScaledError(actual.AsSpan<float>(), expected.AsSpan(i * perItem, perItem), scale);
                worst = Math.Max(worst, error);
                if (!settings.Tolerance.Accepts(error))
                {
                    problem ??= $"item {i}, output '{name}': scaled error {error:0.###e+0} over {settings.Tolerance.Relative}";
                }
            }
        }

        return new CorrectnessReport(items.Length, worst, problem is null, copies, problem);
    }

    private static async Task<ThroughputRow> MeasureAsync(
        CheckScenario scenario, IReadOnlyList<string> paths, int batchSize, CheckSettings settings, CancellationToken cancellationToken)
    {
        double engineRate;
        EngineCopies copies;
        long? memory;
        await using (var engine = await StartEngineAsync(scenario, paths, settings, batchSize, buckets: [batchSize], cancellationToken))
        {
            engineRate = await Throughput.EngineItemsPerSecondAsync(engine, scenario, batchSize, settings.Window, cancellationToken);
            copies = EngineCopies.Of(engine);
            memory = await MemoryAsync(settings, cancellationToken);
        }

        // The raw runs are checked too: a baseline that computes something else would make the ratio meaningless.
        var batch = Enumerable.Range(0, batchSize).Select(i => scenario.CreateItem(i % 64)).ToArray();
        var reference = CpuReference.Outputs(scenario, batch);
        (double Rate, double Error) RawRun(RawMode mode)
        {
            using var chain = RawChain.Create(scenario.RawChain, scenario.Input, batchSize, mode);
            chain.SetInputs(batch);
            var rate = Throughput.RawItemsPerSecond(chain, settings.Window, cancellationToken);
            return (rate, CpuReference.WorstScaledError(chain, reference));
        }

        var raw = RawRun(settings.Cuda ? RawMode.Gpu(settings.DeviceId, cudaGraphs: false) : RawMode.Cpu);
        (double Rate, double Error)? graphs = null;
        string? graphNote = "n/a (CPU)";
        if (settings.Cuda)
        {
            try
            {
                graphs = RawRun(RawMode.Gpu(settings.DeviceId, cudaGraphs: true));
                graphNote = null;
            }
            catch (Microsoft.ML.OnnxRuntime.OnnxRuntimeException e)
            {
                // Reported, not fatal: graphs are a comparison point, not something the engine relies on.
                graphNote = $"failed: {e.Message.ReplaceLineEndings(" ")}";
            }
        }

        return new ThroughputRow(
            batchSize, engineRate, copies, raw.Rate, raw.Error, graphs?.Rate, graphs?.Error, graphNote, memory, settings.Tolerance.Relative);
    }

    private static Task<InferenceEngine> StartEngineAsync(
        CheckScenario scenario, IReadOnlyList<string> paths, CheckSettings settings, int maxBatchSize, List<int>? buckets, CancellationToken cancellationToken)
    {
        var pipeline = new PipelineOptions
        {
            Device = settings.Cuda ? DeviceKind.Cuda : DeviceKind.Cpu,
            DeviceId = settings.DeviceId,
            BatchSizes = buckets,
        };
        scenario.Configure(pipeline, paths);
        var batching = new BatchingOptions { MaxBatchSize = maxBatchSize };
        return InferenceEngine.StartAsync(pipeline, batching, cancellationToken: cancellationToken);
    }

    private static Task<long?> MemoryAsync(CheckSettings settings, CancellationToken cancellationToken) =>
        settings.Cuda ? GpuMemory.UsedMiBAsync(settings.DeviceId, cancellationToken) : Task.FromResult<long?>(null);
}
