using System.Globalization;
using PullWorker.Jobs.Results;

namespace PullWorker.Worker.Tests.EndToEnd;

/// <summary>Checks every job's result object against what its <see cref="JobCase"/> expects.</summary>
internal static class ResultExpectations
{
    /// <summary>Relative tolerance against a direct run (batched kernels may sum in another order).</summary>
    private const double Tolerance = 1e-5;

    /// <summary>The result object names the jobs must produce: their ids, or their message IDs when they have none.</summary>
    public static IReadOnlyList<string> ExpectedNames(IReadOnlyList<JobCase> cases, IReadOnlyList<string> messageIds) =>
        [.. cases.Select((c, i) => c.Id ?? messageIds[i])];

    /// <summary>
    /// Every difference between the results and the cases, one line each (empty when all match): a missing result,
    /// a wrong status or error code, outputs unlike the reference run's.
    /// </summary>
    public static List<string> Mismatches(
        IReadOnlyList<JobCase> cases, IReadOnlyList<string> messageIds, IReadOnlyDictionary<string, JobResult> results, ReferenceModel reference)
    {
        var mismatches = new List<string>();
        var names = ExpectedNames(cases, messageIds);
        for (var i = 0; i < cases.Count; i++)
        {
            var expected = cases[i];
            if (!results.TryGetValue(names[i], out var result))
            {
                mismatches.Add($"{names[i]}: no result");
            }
            else if (expected.Error is { } code)
            {
                if (result.Error?.Code != code)
                {
                    mismatches.Add($"{names[i]}: expected error {code}, got {result.Status} {result.Error?.Code} {result.Error?.Message}");
                }
            }
            else if (result.Outputs is not { } outputs)
            {
                mismatches.Add($"{names[i]}: expected outputs, got {result.Error?.Code}: {result.Error?.Message}");
            }
            else
            {
                mismatches.AddRange(CompareOutputs(names[i], outputs, reference.Run(expected.Inputs!)));
            }
        }

        return mismatches;
    }

    private static IEnumerable<string> CompareOutputs(string name, IReadOnlyDictionary<string, OutputTensor> actual, IReadOnlyDictionary<string, double[]> expected)
    {
        if (!actual.Keys.Order().SequenceEqual(expected.Keys.Order()))
        {
            yield return $"{name}: outputs [{string.Join(", ", actual.Keys)}], expected [{string.Join(", ", expected.Keys)}]";
            yield break;
        }

        foreach (var (output, want) in expected)
        {
            var got = Values(actual[output]);
            var shapeCount = actual[output].Shape.Aggregate(1L, (a, b) => a * b);
            if (got.Length != want.Length || shapeCount != want.Length)
            {
                yield return $"{name}.{output}: {got.Length} values (shape [{string.Join(',', actual[output].Shape)}]), expected {want.Length}";
                continue;
            }

            for (var k = 0; k < want.Length; k++)
            {
                if (Math.Abs(got[k] - want[k]) > Tolerance * Math.Max(1, Math.Abs(want[k])))
                {
                    yield return string.Create(CultureInfo.InvariantCulture, $"{name}.{output}[{k}]: {got[k]}, expected {want[k]}");
                    break;
                }
            }
        }
    }

    private static double[] Values(OutputTensor tensor) => tensor switch
    {
        OutputTensor<float> t => [.. t.Data.ToArray().Select(v => (double)v)],
        OutputTensor<long> t => [.. t.Data.ToArray().Select(v => (double)v)],
        _ => throw new NotSupportedException($"outputs of dtype {tensor.DType} are not compared"),
    };
}
