using PullWorker.Jobs.Results;
using PullWorker.Tools.Shared;

namespace PullWorker.Tools.Demo;

/// <summary>What a demo run did, from the result objects it left and the engine's batch sizes.</summary>
/// <param name="Published">Jobs published.</param>
/// <param name="Malformed">Of those, jobs built to be rejected with a specific error code.</param>
/// <param name="Statistics">Outcomes and latencies read from the result documents.</param>
/// <param name="Unexpected">Malformed jobs that did not get the error code they should have, as "id: expected, got".</param>
/// <param name="MeanBatchSize">Real items per batch the device ran (from the engine's <c>inference.batch.size</c>).</param>
/// <param name="ResultsUri">Where results went, as the worker saw it.</param>
/// <param name="ResultsDirectory">The same place as files on this machine.</param>
public sealed record DemoSummary(
    int Published,
    int Malformed,
    ResultStatistics Statistics,
    IReadOnlyList<string> Unexpected,
    double MeanBatchSize,
    int MaxBatchSize,
    long Batches,
    string Device,
    string ResultsUri,
    string ResultsDirectory,
    IReadOnlyList<DemoExample> Examples)
{
    /// <summary>The worker's <c>Worker:ResultLayout</c>.</summary>
    public ResultLayout Layout { get; init; } = ResultLayout.Object;

    /// <summary>Objects under the run's prefix: one per job in the object layout, one per group in the batch layout.</summary>
    public int ResultObjects { get; init; }

    /// <summary>Lines for a job id already seen (redeliveries in the batch layout), not counted twice.</summary>
    public int DuplicatesDropped { get; init; }

    /// <summary>Results per object: 1 in the object layout; the Class A operations per job are its inverse.</summary>
    public double LinesPerObject => ResultObjects == 0 ? 0 : (double)(Statistics.Total + DuplicatesDropped) / ResultObjects;

    /// <summary>Jobs without a result.</summary>
    public int Missing => Published - Statistics.Total;

    public double MeanBatchFill => MaxBatchSize == 0 ? 0 : MeanBatchSize / MaxBatchSize;

    public bool Succeeded => Missing == 0 && Unexpected.Count == 0;

    /// <summary>The patterns shown as examples, in order: flat red, a soft gradient, the finest checkerboard.</summary>
    internal static readonly string[] ExamplePatterns = ["solid-red", "gradient-black-white", "checker-1px"];

    internal static IReadOnlyList<DemoExample> PickExamples(IEnumerable<JobResult> results)
    {
        var ok = results.Where(r => r.Status == JobStatus.Ok && r.Outputs is not null).ToList();
        return
        [
            .. from pattern in ExamplePatterns
               let result = ok.FirstOrDefault(r => r.Id.Value.Contains($"-{pattern}", StringComparison.Ordinal))
               where result is not null
               select new DemoExample(result.Id.Value, Floats(result, "mean_rgb"), Floats(result, "sharpness")[0]),
        ];
    }

    private static float[] Floats(JobResult result, string output) =>
        result.Outputs![output] is OutputTensor<float> tensor
            ? tensor.Data.ToArray()
            : throw new InvalidOperationException($"result {result.Id}: output '{output}' is not float32");
}
