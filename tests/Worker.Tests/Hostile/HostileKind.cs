namespace PullWorker.Worker.Tests.Hostile;

/// <summary>A family of cases: a name and how to make one case of it from a seeded random source and an id.</summary>
internal sealed record HostileKind(string Name, bool IsValid, Func<Random, string, HostileCase> Make);
