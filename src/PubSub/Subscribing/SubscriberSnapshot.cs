namespace PullWorker.PubSub.Subscribing;

/// <summary>A point-in-time view of a subscriber, for health checks and tests.</summary>
/// <param name="HandedOut">Messages with the handler (written to the channel, not yet settled).</param>
/// <param name="HandedOutBytes">Their bytes.</param>
/// <param name="Held">Leased messages waiting for flow control.</param>
/// <param name="Leased">All leases being extended.</param>
/// <param name="PendingAcks">Acks, nacks and extensions not yet sent.</param>
public sealed record SubscriberSnapshot(int HandedOut, long HandedOutBytes, int Held, int Leased, int PendingAcks, bool ExactlyOnce);
