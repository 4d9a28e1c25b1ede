using Google.Cloud.PubSub.V1;
using PullWorker.Jobs;

namespace PullWorker.Tools.Demo;

/// <summary>One sample job: the message to publish and, for a deliberately malformed one, the error it must get.</summary>
/// <param name="Id">The job id the message asks for (a malformed job may ask for an invalid one).</param>
/// <param name="Kind">How the job carries its input: <c>gcs</c>, <c>inline</c>, <c>raw</c>, <c>tensor</c> or <c>malformed</c>.</param>
public sealed record DemoJob(string Id, string Kind, PubsubMessage Message, JobErrorCode? ExpectedError = null);
