namespace PullWorker.PubSub.Subscribing;

/// <summary>
/// The lease each receipt modack and extension asks for: the p99 of observed processing time, clamped to
/// the configured bounds (exactly-once never below 60 s), and when to extend before it runs out.
/// </summary>
internal sealed class LeaseTiming(SubscriberSettings settings, ProcessingTimeHistogram histogram)
{
    public ProcessingTimeHistogram Histogram => histogram;

    private volatile bool _exactlyOnce;

    public bool ExactlyOnce
    {
        get => _exactlyOnce;
        set => _exactlyOnce = value;
    }

    /// <summary>The lease to request now.</summary>
    public TimeSpan Deadline
    {
        get
        {
            var observed = histogram.Percentile(99) ?? settings.AckDeadline;
            var min = settings.MinAckDeadline;
            if (ExactlyOnce && min < SubscriberSettings.MinimumExactlyOnceAckDeadline)
            {
                min = SubscriberSettings.MinimumExactlyOnceAckDeadline;
            }

            return Clamp(observed, min, settings.MaxAckDeadline < min ? min : settings.MaxAckDeadline);
        }
    }

    public int DeadlineSeconds => (int)Deadline.TotalSeconds;

    /// <summary>
    /// A lease is extended once it has less than this left: the configured window, but at most half the
    /// lease so a 10 s lease is renewed after 5 s rather than immediately.
    /// </summary>
    public TimeSpan ExtensionMargin(TimeSpan deadline) =>
        settings.AckExtensionWindow < deadline / 2 ? settings.AckExtensionWindow : deadline / 2;

    /// <summary>How often the lease loop looks for leases to extend: well inside the smallest margin.</summary>
    public TimeSpan ScanInterval => ExtensionMargin(settings.MinAckDeadline) / 5;

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) =>
        value < min ? min : value > max ? max : value;
}
