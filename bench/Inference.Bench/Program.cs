using System.Globalization;
using PullWorker.Inference.Bench;
using PullWorker.Inference.Stages;

const int BatchSize = 32;
Load[] loads =
[
    new("single items, 2 x batch callers", Callers: 2 * BatchSize),
    new("single items, 8 x batch callers", Callers: 8 * BatchSize),
];
var scenarios = new[]
{
    new Scenario("cnn (~0.31 GFLOP/item)", SampleModels.ComputeCnn(), "image", [3, 64, 64], TimeSpan.FromSeconds(12), Target: 0.95, IntraOpThreads: 0),
    new Scenario("tiny mlp", SampleModels.TinyMlp(), "x", [16], TimeSpan.FromSeconds(6), Target: 0.8, IntraOpThreads: 1),
};

var directory = Directory.CreateTempSubdirectory("pullworker-bench-");
try
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"batch size {BatchSize}, {Environment.ProcessorCount} cores; two rounds, raw and each load alternating"));
    Console.WriteLine("scenario                 load                               raw items/s  pipeline items/s   ratio  target        mean batch");
    // An argument picks scenarios by name (e.g. `mlp`).
    foreach (var scenario in scenarios.Where(s => args.Length == 0 || s.Name.Contains(args[0], StringComparison.OrdinalIgnoreCase)))
    {
        var path = Path.Combine(directory.FullName, scenario.Input + ".onnx");
        File.WriteAllBytes(path, scenario.Model);
        double raw = 0;
        var pipeline = new double[loads.Length];
        var meanBatch = new double[loads.Length];
        for (var round = 0; round < 2; round++)
        {
            raw += RawSessionRunner.ItemsPerSecond(scenario, BatchSize) / 2;
            for (var i = 0; i < loads.Length; i++)
            {
                var (itemsPerSecond, batchSize) = await PipelineRunner.ItemsPerSecondAsync(scenario, BatchSize, path, loads[i]);
                pipeline[i] += itemsPerSecond / 2;
                meanBatch[i] += batchSize / 2;
            }
        }

        for (var i = 0; i < loads.Length; i++)
        {
            var ratio = pipeline[i] / raw;
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{scenario.Name,-24} {loads[i].Name,-34} {raw,12:F0} {pipeline[i],17:F0} {ratio,7:F3}  >= {scenario.Target:F2} {(ratio >= scenario.Target ? "ok" : "MISSED"),-6} {meanBatch[i],6:F1}"));
        }
    }
}
finally
{
    directory.Delete(recursive: true);
}
