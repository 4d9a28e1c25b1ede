using PullWorker.Bench.Infrastructure;

namespace PullWorker.Bench.Pathology;

/// <summary>Part 2: each variant's measured capacity and its latencies at fractions of it.</summary>
internal sealed record PathologyResult(IReadOnlyList<VariantResult> Variants, IReadOnlyList<UsersPoint> Users, int NaiveThreadPoolMinimum);

/// <summary>Both variants under the same number of concurrent closed-loop users (the blog's Locust test).</summary>
internal sealed record UsersPoint(int Users, ClosedLoopResult Engine, ClosedLoopResult Naive);

internal sealed record VariantResult(string Name, string Description, double CapacityPerSecond, IReadOnlyList<LoadPoint> Points);

/// <summary>One open-loop run at <see cref="Fraction"/> of the variant's capacity.</summary>
internal sealed record LoadPoint(double Fraction, OpenLoopResult Run);
