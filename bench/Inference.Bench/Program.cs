using System.Globalization;
using PullWorker.Inference.Bench;
using PullWorker.Inference.Stages;

const int BatchSize = 32;
var scenarios = new[]
{
    new Scenario("cnn (~0.31 GFLOP/item)", SampleModels.ComputeCnn(), "image", [3, 64, 64], TimeSpan.FromSeconds(12), Target: 0.95),
    new Scenario("tiny mlp", SampleModels.TinyMlp(), "x", [16], TimeSpan.FromSeconds(6), Target: 0.8),
};

var directory = Directory.CreateTempSubdirectory("pullworker-bench-");
try
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"batch size {BatchSize}, {Environment.ProcessorCount} cores; two rounds per mode, alternating"));
    Console.WriteLine("scenario                  raw items/s   pipeline items/s   ratio   target");
    foreach (var scenario in scenarios)
    {
        var path = Path.Combine(directory.FullName, scenario.Input + ".onnx");
        File.WriteAllBytes(path, scenario.Model);
        double raw = 0, pipeline = 0, meanBatch = 0;
        for (var round = 0; round < 2; round++)
        {
            raw += RawSessionRunner.ItemsPerSecond(scenario, BatchSize);
            var (itemsPerSecond, batchSize) = await PipelineRunner.ItemsPerSecondAsync(scenario, BatchSize, path);
            pipeline += itemsPerSecond;
            meanBatch += batchSize / 2;
        }

        raw /= 2;
        pipeline /= 2;
        var ratio = pipeline / raw;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{scenario.Name,-24} {raw,12:F0} {pipeline,18:F0} {ratio,7:F3}   >= {scenario.Target:F2} {(ratio >= scenario.Target ? "ok" : "MISSED"),-6}  mean batch {meanBatch:F1}"));
    }
}
finally
{
    directory.Delete(recursive: true);
}
