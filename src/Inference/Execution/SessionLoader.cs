using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using PullWorker.Inference.Configuration;
using PullWorker.Inference.Diagnostics;

namespace PullWorker.Inference.Execution;

/// <summary>Creates a pipeline's sessions with its shared options, recording each model as loaded.</summary>
internal sealed class SessionLoader(SessionOptions sessionOptions, bool countInsertedCopies, InferenceMetrics metrics)
{
    // ONNX Runtime saves the optimized graph as one protobuf, which cannot exceed 2 GiB: bigger models load unchecked.
    private const long MaxCheckedModelBytes = 1L << 30;

    /// <summary>Creates the session of a built-in stage's in-memory model.</summary>
    public (ModelFile Model, InferenceSession Session) Load(string name, string source, byte[] bytes) =>
        Load(name, source, bytes.LongLength, () => ModelFile.HashOf(bytes), () => new InferenceSession(bytes, sessionOptions));

    /// <summary>
    /// Creates the session from the file itself, never its bytes in memory: ONNX Runtime then reads models above
    /// 2 GiB and finds external weight files (<c>model.onnx_data</c>) beside <paramref name="path"/>.
    /// </summary>
    public (ModelFile Model, InferenceSession Session) LoadFile(string name, string path) =>
        Load(name, path, ModelFile.SizeOf(path), () => ModelFile.HashOf(path), () => new InferenceSession(path, sessionOptions));

    /// <summary>Creates the session; a model ONNX Runtime refuses becomes an error naming <paramref name="source"/>.</summary>
    private (ModelFile Model, InferenceSession Session) Load(string name, string source, long size, Func<string> hash, Func<InferenceSession> create)
    {
        var started = Stopwatch.GetTimestamp();
        var optimized = countInsertedCopies && size <= MaxCheckedModelBytes ? Path.Combine(Path.GetTempPath(), $"pullworker-optimized-{Guid.NewGuid():N}.onnx") : null;
        sessionOptions.OptimizedModelFilePath = optimized ?? string.Empty;
        try
        {
            var session = create();
            int copies;
            try
            {
                copies = optimized is null ? 0 : InsertedCopies.Count(File.ReadAllBytes(optimized));
            }
            catch
            {
                session.Dispose();
                throw;
            }

            var model = new ModelFile(name, source, hash(), size, Stopwatch.GetElapsedTime(started), copies);
            metrics.RecordModelLoad(model);
            return (model, session);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new PipelineSetupException($"model '{source}' could not be loaded: {ex.Message}", ex);
        }
        finally
        {
            sessionOptions.OptimizedModelFilePath = string.Empty;
            if (optimized is not null)
            {
                File.Delete(optimized);
            }
        }
    }
}
