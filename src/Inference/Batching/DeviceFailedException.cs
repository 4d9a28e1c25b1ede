namespace PullWorker.Inference.Batching;

/// <summary>A known-good batch failed: the device, not an item, is at fault, and the engine cannot serve.</summary>
internal sealed class DeviceFailedException(string message, Exception innerException) : Exception(message, innerException);
