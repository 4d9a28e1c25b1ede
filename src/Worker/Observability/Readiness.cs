namespace PullWorker.Worker.Observability;

/// <summary>
/// What <c>/readyz</c> reports. The MIG's autohealer and a person debugging a VM both read it, so each
/// condition is named rather than folded into one flag.
/// </summary>
public sealed class Readiness
{
    private volatile bool _modelLoaded;
    private volatile bool _bucketsChecked;
    private volatile bool _subscriberStarted;

    public bool ModelLoaded { get => _modelLoaded; set => _modelLoaded = value; }

    /// <summary>The results and input buckets answered the start-up permission check.</summary>
    public bool BucketsChecked { get => _bucketsChecked; set => _bucketsChecked = value; }

    /// <summary>The subscriber was started and has not stopped (nor begun a drain).</summary>
    public bool SubscriberStarted { get => _subscriberStarted; set => _subscriberStarted = value; }

    public bool IsReady => ModelLoaded && BucketsChecked && SubscriberStarted;
}
