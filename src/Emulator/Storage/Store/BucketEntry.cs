namespace PullWorker.Emulator.Storage.Store;

/// <summary>A bucket as the JSON API reports it.</summary>
internal sealed record BucketEntry(string Name, string Project, DateTimeOffset TimeCreated);
