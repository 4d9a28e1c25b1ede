namespace PullWorker.Worker.Observability;

/// <summary>
/// What <c>/readyz</c> reports. The MIG's autohealer and a person debugging a VM both read it, so each
/// condition is named rather than folded into one flag.
/// </summary>
public sealed class Readiness
{
    private volatile bool _modelLoaded;
    private volatile bool _bucketsWarmed;
    private volatile bool _subscriberStreaming;

    public bool ModelLoaded { get => _modelLoaded; set => _modelLoaded = value; }

    public bool BucketsWarmed { get => _bucketsWarmed; set => _bucketsWarmed = value; }

    public bool SubscriberStreaming { get => _subscriberStreaming; set => _subscriberStreaming = value; }

    public bool IsReady => ModelLoaded && BucketsWarmed && SubscriberStreaming;
}
