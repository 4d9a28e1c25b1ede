using PullWorker.Inference.Configuration;

namespace PullWorker.Worker.Models;

/// <summary>The configured pipeline with every stage model a local file.</summary>
/// <param name="Local">The pipeline whose stage models are local paths.</param>
/// <param name="Generations">The version of each <c>gs://</c> stage model it used (null for a local one).</param>
/// <param name="Downloads">The folders those <c>gs://</c> models were downloaded to.</param>
internal sealed record ResolvedPipeline(PipelineOptions Local, IReadOnlyList<long?> Generations, IReadOnlyList<string> Downloads);
