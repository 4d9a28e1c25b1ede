namespace PullWorker.Tools.Demo;

/// <summary>One result worth showing: what the demo model said about a picture a person can imagine.</summary>
public sealed record DemoExample(string Id, IReadOnlyList<float> MeanRgb, float Sharpness);
