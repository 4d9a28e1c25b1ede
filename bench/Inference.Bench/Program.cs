using System.Globalization;
using PullWorker.Inference.Bench;
using PullWorker.Inference.Stages;

const int BatchSize = 32;
Load[] loads =
[
    new("single items, 2 x batch callers", Callers: 2 * BatchSize),
    new("single items, 8 x batch callers", Callers: 8 * BatchSize),
];

// The tiny MLP's raw Run takes microseconds per batch, so its ratio is the engine's own per-item cost (queue, staging,
// one result per item), not the model's: shown, with no target.
var scenarios = new[]
{
    new Scenario("cnn (~0.31 GFLOP/item)", SampleModels.ComputeCnn(), "image", [3, 64, 64], TimeSpan.FromSeconds(4), Rounds: 5, Target: 0.95, IntraOpThreads: 0),
    new Scenario("tiny mlp", SampleModels.TinyMlp(), "x", [16], TimeSpan.FromSeconds(2), Rounds: 3, Target: null, IntraOpThreads: 1),
};

var directory = Directory.CreateTempSubdirectory("pullworker-bench-");
try
{
    // A shared machine's load drifts: each round measures raw and then every load back to back, and the ratio
    // reported is the median of the rounds' ratios, so a busy moment skews one round, not the result.
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"batch size {BatchSize}, {Environment.ProcessorCount} cores, load average {LoadAverage()}; per round raw then each load, ratio = median over rounds"));
    Console.WriteLine("scenario                 load                               raw items/s  engine items/s  ratio (min-max)       target        CPU ratio (min-max)  mean batch");
    Console.WriteLine("  ratio: engine / raw items per second; CPU ratio: raw / engine CPU time per item (1 = no overhead; robust to other load)");
    // An argument picks scenarios by name (e.g. `mlp`).
    foreach (var scenario in scenarios.Where(s => args.Length == 0 || s.Name.Contains(args[0], StringComparison.OrdinalIgnoreCase)))
    {
        var path = Path.Combine(directory.FullName, scenario.Input + ".onnx");
        File.WriteAllBytes(path, scenario.Model);
        var raw = new Measurement[scenario.Rounds];
        var engine = new Measurement[loads.Length, scenario.Rounds];
        for (var round = 0; round < scenario.Rounds; round++)
        {
            raw[round] = RawSessionRunner.Measure(scenario, BatchSize);
            for (var i = 0; i < loads.Length; i++)
            {
                engine[i, round] = await PipelineRunner.MeasureAsync(scenario, BatchSize, path, loads[i]);
            }
        }

        for (var i = 0; i < loads.Length; i++)
        {
            var rounds = Enumerable.Range(0, scenario.Rounds).Select(r => (Raw: raw[r], Engine: engine[i, r])).ToArray();
            var throughput = rounds.Select(r => r.Engine.ItemsPerSecond / r.Raw.ItemsPerSecond).Order().ToArray();
            var cpu = rounds.Select(r => r.Raw.CpuMicrosecondsPerItem / r.Engine.CpuMicrosecondsPerItem).Order().ToArray();
            var median = throughput[throughput.Length / 2];
            var verdict = scenario.Target is { } target ? $">= {target:F2} {(median >= target ? "ok" : "MISSED"),-6}" : "(none)        ";
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{scenario.Name,-24} {loads[i].Name,-34} {rounds.Average(r => r.Raw.ItemsPerSecond),12:F0} {rounds.Average(r => r.Engine.ItemsPerSecond),15:F0}  {median,5:F3} ({throughput[0]:F2}-{throughput[^1]:F2})  {verdict} {cpu[cpu.Length / 2],9:F3} ({cpu[0]:F2}-{cpu[^1]:F2}) {rounds.Average(r => r.Engine.MeanBatchSize),6:F1}"));
        }
    }
}
finally
{
    directory.Delete(recursive: true);
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";
