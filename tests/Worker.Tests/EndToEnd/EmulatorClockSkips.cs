using PullWorker.Emulator.PubSub;

namespace PullWorker.Worker.Tests.EndToEnd;

/// <summary>
/// What a stopped or SIGKILLed worker leaves behind, settled without waiting in real time: its leases lapse, and
/// nack backoffs pass, when the emulator's clock jumps past them, as they would in time on a real subscription.
/// </summary>
internal static class EmulatorClockSkips
{
    /// <summary>
    /// Waits, bounded by the token, until the emulator has seen the gone worker's streams end (at most
    /// <paramref name="liveStreams"/> left open, the live workers'), then skips <paramref name="duration"/>; returns
    /// the subscription's stats right after the skip, whose expiries have then happened.
    /// </summary>
    /// <remarks>
    /// A stream the emulator still thinks open would take the messages the skip makes ready, leased afresh, and those
    /// would then lapse in real time (or be missing from a pull that expects them): so the skip waits for the gone
    /// worker's streams to close first.
    /// </remarks>
    public static async Task<SubscriptionStats> SkipOnceStreamsEndAsync(
        this SkippableClock clock, LocalDeployment deployment, int liveStreams, TimeSpan duration, CancellationToken cancellationToken)
    {
        while (deployment.Emulator.PubSub.OpenStreamCount > liveStreams)
        {
            await Task.Delay(10, cancellationToken);
        }

        clock.Skip(duration);
        return deployment.Emulator.PubSub.GetStats(deployment.Subscription);
    }
}
