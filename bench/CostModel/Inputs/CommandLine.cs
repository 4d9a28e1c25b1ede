using System.Globalization;
using PullWorker.CostModel.Pricing;

namespace PullWorker.CostModel.Inputs;

/// <summary>Flags of the form <c>--name value</c>, each overriding one input; <c>--help</c> lists them.</summary>
public static class CommandLine
{
    private sealed record Flag(string Name, string Help, Func<CostModelOptions, string, CostModelOptions> Apply);

    private static readonly Flag[] s_flags =
    [
        Deployment("min-vms", "VMs the group keeps", (d, v) => d with { MinVms = Int(v) }),
        Deployment("max-vms", "VMs the group may grow to", (d, v) => d with { MaxVms = Int(v) }),
        Deployment("backlog-per-vm", "single-instance assignment, messages per VM", (d, v) => d with { BacklogPerVm = Int(v) }),
        Deployment("stabilization-s", "scale-in stabilization period, s", (d, v) => d with { StabilizationPeriod = Seconds(v) }),
        Deployment("autoscaler-interval-s", "autoscaler evaluation interval, s", (d, v) => d with { AutoscalerInterval = Seconds(v) }),
        Deployment("metric-period-s", "metric sampling period, s", (d, v) => d with { MetricSamplePeriod = Seconds(v) }),
        Deployment("metric-offset-s", "time of the first sample, s", (d, v) => d with { MetricSampleOffset = Seconds(v) }),
        Deployment("metric-delay-min-s", "shortest metric visibility delay, s", (d, v) => d with { MetricDelayMin = Seconds(v) }),
        Deployment("metric-delay-max-s", "longest metric visibility delay, s", (d, v) => d with { MetricDelayMax = Seconds(v) }),
        Deployment("boot-s", "VM boot, s", (d, v) => d with { Startup = d.Startup with { Boot = Seconds(v) } }),
        Deployment("driver-s", "GPU driver install, s", (d, v) => d with { Startup = d.Startup with { GpuDriver = Seconds(v) } }),
        Deployment("image-pull-s", "container image pull, s", (d, v) => d with { Startup = d.Startup with { ImagePull = Seconds(v) } }),
        Deployment("model-load-s", "model load and warm-up, s", (d, v) => d with { Startup = d.Startup with { ModelLoad = Seconds(v) } }),
        Deployment("in-flight", "jobs one VM leases at a time", (d, v) => d with { InFlightPerVm = Int(v) }),
        Deployment("min-job-latency-s", "shortest time a leased job stays unacked, s", (d, v) => d with { MinimumJobLatency = Seconds(v) }),
        Deployment("preemptions-per-vm-hour", "Spot preemption rate", (d, v) => d with { PreemptionsPerVmHour = Double(v) }),
        Deployment("recreate-delay-s", "preemption to replacement VM creation, s", (d, v) => d with { RecreateDelay = Seconds(v) }),
        Deployment("seed", "seed of metric jitter and preemptions", (d, v) => d with { Seed = Int(v) }),
        new("jobs-per-second", "per-VM throughput, jobs/s (e.g. measured on the GPU)", (o, v) => o with
        {
            Deployment = o.Deployment with { JobsPerSecondPerVm = Double(v) },
            ThroughputSource = "given with --jobs-per-second",
        }),
        new("cpu-jobs-per-second", "measured CPU jobs/s, scaled by the assumed GPU/CPU factor", (o, v) => o with
        {
            Deployment = o.Deployment with { JobsPerSecondPerVm = Double(v) * DeploymentInputs.AssumedGpuOverCpuFactor },
            ThroughputSource = $"{v} jobs/s on CPU (given) x {DeploymentInputs.AssumedGpuOverCpuFactor} (GPU/CPU factor, assumed)",
        }),
        Price("spot-price", "Spot VM + GPU, USD per hour", (p, v) => p with { SpotPerVmHour = Money(v) }),
        Price("on-demand-price", "on-demand VM + GPU, USD per hour", (p, v) => p with { OnDemandPerVmHour = Money(v) }),
        Price("class-a-per-10k", "GCS Class A, USD per 10,000 ops", (p, v) => p with { ClassAPer10KOps = Money(v) }),
        Price("class-a-ops-per-job", "Class A ops per job", (p, v) => p with { ClassAOpsPerJob = Int(v) }),
        Price("pubsub-per-tib", "Pub/Sub throughput, USD per TiB", (p, v) => p with { PubSubPerTiB = Money(v) }),
        Price("message-bytes", "billed bytes per message", (p, v) => p with { MessageBytes = Int(v) }),
        Price("gpu", "price preset: l4 (g2-standard-4) or t4 (n1-standard-4)", (p, v) => v switch
        {
            "l4" => p with { SpotPerVmHour = new Prices().SpotPerVmHour, OnDemandPerVmHour = new Prices().OnDemandPerVmHour },
            "t4" => p with { SpotPerVmHour = Prices.T4.SpotPerVmHour, OnDemandPerVmHour = Prices.T4.OnDemandPerVmHour },
            _ => throw new FormatException("expected l4 or t4"),
        }),
    ];

    /// <summary>The options the flags describe, or null when help was asked for.</summary>
    /// <exception cref="ArgumentException">An unknown flag, a missing value or a value that does not parse.</exception>
    public static CostModelOptions? Parse(IReadOnlyList<string> args)
    {
        var options = new CostModelOptions();
        for (var i = 0; i < args.Count; i += 2)
        {
            if (args[i] is "--help" or "-h")
            {
                return null;
            }

            var flag = s_flags.FirstOrDefault(flag => "--" + flag.Name == args[i])
                ?? throw new ArgumentException($"Unknown flag '{args[i]}'; --help lists the flags.");
            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"Flag --{flag.Name} needs a value ({flag.Help}).");
            }

            try
            {
                options = flag.Apply(options, args[i + 1]);
            }
            catch (Exception error) when (error is FormatException or OverflowException)
            {
                throw new ArgumentException($"Flag --{flag.Name}: '{args[i + 1]}' is not valid ({error.Message}).", error);
            }
        }

        options.Deployment.Validate();
        options.Prices.Validate();
        return options;
    }

    public static string Help() =>
        "Usage: dotnet run -c Release --project bench/CostModel [-- --flag value ...]\n"
        + string.Concat(s_flags.Select(flag => $"  --{flag.Name,-24} {flag.Help}\n"));

    private static Flag Deployment(string name, string help, Func<DeploymentInputs, string, DeploymentInputs> apply) =>
        new(name, help, (options, value) => options with { Deployment = apply(options.Deployment, value) });

    private static Flag Price(string name, string help, Func<Prices, string, Prices> apply) =>
        new(name, help, (options, value) => options with { Prices = apply(options.Prices, value) });

    private static int Int(string value) => int.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static double Double(string value) => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static decimal Money(string value) => decimal.Parse(value, NumberStyles.Number, CultureInfo.InvariantCulture);

    private static TimeSpan Seconds(string value) => TimeSpan.FromSeconds(Double(value));
}
