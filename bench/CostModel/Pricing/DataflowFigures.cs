namespace PullWorker.CostModel.Pricing;

/// <summary>One measured Dataflow ML run from a public slide deck (docs/cost-model.md, Sources S15).</summary>
public sealed record DataflowFigure(string Label, int Images, TimeSpan Duration, decimal Cost)
{
    /// <summary>Sourced (Sources S15): 50,000 images on Dataflow ML, CPU and GPU workers.</summary>
    public static IReadOnlyList<DataflowFigure> FiftyThousandImages { get; } =
    [
        new("Dataflow GPU, mobilenet v2", 50_000, TimeSpan.FromMinutes(60), 0.05m),
        new("Dataflow GPU, resnet101", 50_000, TimeSpan.FromMinutes(60), 0.5m),
        new("Dataflow CPU, mobilenet v2", 50_000, TimeSpan.FromMinutes(22), 0.5m),
        new("Dataflow CPU, resnet101", 50_000, TimeSpan.FromMinutes(30), 1.4m),
    ];

    public decimal PerThousandImages => Cost / Images * 1000;
}
