using PullWorker.Inference.Batching;
using PullWorker.Jobs;
using PullWorker.PubSub.Subscribing;

namespace PullWorker.Worker.Pipeline;

/// <summary>
/// A job between decoding and its result: either already failed on its own content (<see cref="Error"/>), or
/// submitted to the engine (<see cref="Inference"/>), whose batch may still be queued or on the device. It holds a
/// lease on <see cref="Model"/> until its result is written.
/// </summary>
internal sealed record PendingJob(LeasedMessage Message, JobId Id, ActiveModel Model, Task<InferenceResult>? Inference, JobError? Error);
