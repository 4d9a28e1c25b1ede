using System.Runtime.Versioning;

// The checks run bash scripts, shellcheck and yamllint: Linux (or a Linux container) only.
[assembly: SupportedOSPlatform("linux")]

// Most of the time is spent in for short-lived bash and shellcheck processes; fixtures are
// independent (each test renders into its own temporary directory), so they run side by side.
[assembly: Parallelizable(ParallelScope.Fixtures)]
[assembly: LevelOfParallelism(2)]
