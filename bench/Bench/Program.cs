using PullWorker.Bench;
using PullWorker.Bench.Backlog;
using PullWorker.Bench.Batching;
using PullWorker.Bench.ColdStart;
using PullWorker.Bench.Layouts;
using PullWorker.Bench.Pathology;
using PullWorker.Bench.Reporting;
using PullWorker.Bench.ResultWrites;
using PullWorker.Bench.Throughput;

// Usage: dotnet run -c Release --project bench/Bench -- [all|throughput|pathology|batching|backlog|coldstart|resultwrites|layouts|report] [--quick] [--trace]
// --trace (layouts only): a dotnet-trace CPU breakdown by stage, with the tool installed into bench/.tools.
// Each part saves its numbers to docs/benchmarks/data/<part>.json; the report is regenerated from all of them.
if (args.FirstOrDefault() == StorageEmulatorProcess.Verb)
{
    // Part 6 runs the storage emulator in a child process of this bench, so the parent's CPU time is the client's.
    return await StorageEmulatorProcess.ServeAsync(args);
}

var parts = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).DefaultIfEmpty("all").ToArray();
var settings = args.Contains("--quick") ? BenchSettings.Quick : BenchSettings.Full;
string[] all = ["throughput", "pathology", "batching", "backlog", "coldstart", "resultwrites", "layouts"];
var selected = parts.SelectMany(p => p == "all" ? all : [p]).Distinct().ToArray();
if (selected.FirstOrDefault(p => p != "report" && !all.Contains(p)) is { } unknown)
{
    Console.Error.WriteLine($"bench: unknown part '{unknown}' (expected all, {string.Join(", ", all)} or report)");
    return 2;
}

using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(30));
foreach (var part in selected.Where(p => p != "report"))
{
    Console.WriteLine($"== {part}");
    var machine = MachineInfo.Begin();
    switch (part)
    {
        case "throughput":
            ResultStore.Save(part, await ThroughputBenchmark.RunAsync(settings, timeout.Token), machine.End());
            break;
        case "pathology":
            ResultStore.Save(part, await PathologyBenchmark.RunAsync(settings, timeout.Token), machine.End());
            break;
        case "batching":
            ResultStore.Save(part, await BatchingBenchmark.RunAsync(settings, timeout.Token), machine.End());
            break;
        case "backlog":
            ResultStore.Save(part, await BacklogBenchmark.RunAsync(settings, timeout.Token), machine.End());
            break;
        case "coldstart":
            ResultStore.Save(part, await ColdStartBenchmark.RunAsync(settings, timeout.Token), machine.End());
            break;
        case "resultwrites":
            ResultStore.Save(part, await ResultWriteBenchmark.RunAsync(settings, timeout.Token), machine.End());
            break;
        case "layouts":
            ResultStore.Save(part, await LayoutCostBenchmark.RunAsync(settings, args.Contains("--trace"), timeout.Token), machine.End());
            break;
    }
}

ReportWriter.Write(settings == BenchSettings.Quick);
return 0;
