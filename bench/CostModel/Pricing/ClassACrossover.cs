namespace PullWorker.CostModel.Pricing;

/// <summary>Where one Class A write per job starts to cost more than the VM time that produced it.</summary>
public static class ClassACrossover
{
    /// <summary>
    /// A busy VM costs perVmHour / (3600 × jobs/s) per job; a job's writes cost opsPerJob × price per op.
    /// They are equal at this throughput: above it the writes dominate even with no idle VM time.
    /// </summary>
    public static double SteadyStateJobsPerSecond(decimal perVmHour, Prices prices)
    {
        var writePerJob = prices.ClassAOpsPerJob * prices.ClassAPerOp;
        return writePerJob == 0 ? double.PositiveInfinity : (double)(perVmHour / 3600m / writePerJob);
    }

    /// <summary>
    /// The input value (throughput, burst size...) at which Class A cost meets VM cost, from a sweep in ascending
    /// value: the first pair of neighbours where (Class A − VM) changes sign, interpolated linearly on log(value);
    /// null if the sign never changes.
    /// </summary>
    public static double? FromSweep(IReadOnlyList<(double Value, CostBreakdown Cost)> sweep)
    {
        for (var i = 1; i < sweep.Count; i++)
        {
            var before = (double)(sweep[i - 1].Cost.ClassA - sweep[i - 1].Cost.Vm);
            var after = (double)(sweep[i].Cost.ClassA - sweep[i].Cost.Vm);
            if (before == 0)
            {
                return sweep[i - 1].Value;
            }

            if (Math.Sign(before) != Math.Sign(after))
            {
                var fraction = before / (before - after);
                var logLow = Math.Log(sweep[i - 1].Value);
                var logHigh = Math.Log(sweep[i].Value);
                return Math.Exp(logLow + (fraction * (logHigh - logLow)));
            }
        }

        return null;
    }
}
