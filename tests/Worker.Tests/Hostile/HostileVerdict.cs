using PullWorker.Jobs.Results;

namespace PullWorker.Worker.Tests.Hostile;

/// <summary>Compares what a worker wrote with what every published case expects; lists each difference.</summary>
internal static class HostileVerdict
{
    private const string Prefix = "out/";
    private const string Suffix = ".json";

    /// <summary>One line per problem; empty when every case got exactly the answer it was owed and nothing else was written.</summary>
    public static List<string> Problems(HostileWorker worker)
    {
        var problems = new List<string>();
        var objects = worker.AllResultObjects();
        foreach (var outside in objects.Where(o => !o.Name.StartsWith(Prefix, StringComparison.Ordinal) || !o.Name.EndsWith(Suffix, StringComparison.Ordinal)))
        {
            problems.Add($"object outside the results prefix: gs://{LocalDeployment.ResultsBucket}/{outside.Name}");
        }

        var byName = objects.ToDictionary(o => o.Name, StringComparer.Ordinal);
        var expectedNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var expectation in worker.Published)
        {
            var name = Prefix + expectation.ResultName + Suffix;
            if (!expectedNames.Add(name))
            {
                problems.Add($"two cases expect the same result {name} (a corpus bug)");
            }

            if (!byName.TryGetValue(name, out var stored))
            {
                problems.Add($"{Describe(expectation)}: no result object {name}");
                continue;
            }

            problems.AddRange(Check(expectation, JobResult.Parse(stored.Data.Span)).Select(p => $"{Describe(expectation)}: {p}"));
        }

        problems.AddRange(objects.Where(o => !expectedNames.Contains(o.Name)).Select(o => $"unexpected result object {o.Name}"));
        return problems;
    }

    private static IEnumerable<string> Check(HostileExpectation expectation, JobResult result)
    {
        var expected = expectation.Case;
        if (result.Id.Value != expectation.ResultName)
        {
            yield return $"result id '{result.Id.Value}', expected '{expectation.ResultName}'";
        }

        if (result.MessageId != expectation.MessageId)
        {
            yield return $"result of message {result.MessageId}, expected {expectation.MessageId}";
        }

        if (expected.ExpectedCode is not { } code)
        {
            if (result.Status != JobStatus.Ok)
            {
                yield return $"expected ok, got {result.Error?.Code}: {result.Error?.Message}";
            }
            else if (expected.ExpectedSum is { } sum
                && !(result.Outputs!.TryGetValue("sx", out var sx) && sx is OutputTensor<long> sums && sums.Data.Span[0] == sum))
            {
                yield return $"expected sx = {sum}";
            }

            yield break;
        }

        if (result.Status != JobStatus.Error || result.Error is not { } error)
        {
            yield return $"expected {code}, got status {result.Status}";
            yield break;
        }

        if (error.Code != code)
        {
            yield return $"expected {code}, got {error.Code}: {error.Message}";
        }
        else if (!expected.MessageFragments.Any(f => error.Message.Contains(f, StringComparison.OrdinalIgnoreCase)))
        {
            yield return $"message '{error.Message}' names none of: {string.Join(" | ", expected.MessageFragments)}";
        }
    }

    private static string Describe(HostileExpectation expectation) =>
        $"{expectation.Case.Kind} (message {expectation.MessageId}, result '{expectation.ResultName}')";
}
