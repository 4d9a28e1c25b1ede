using Microsoft.ML.OnnxRuntime;
using PullWorker.Inference.Configuration;
using PullWorker.Inference.Devices;
using PullWorker.Inference.Diagnostics;
using PullWorker.Inference.Onnx;
using PullWorker.Inference.Stages;
using PullWorker.Inference.Tensors;

namespace PullWorker.Inference.Execution;

/// <summary>
/// The loaded pipeline: sessions in order (built-in stages included), the pipeline inputs jobs must supply and
/// the outputs they get back. Names are resolved once here, so the executor only follows the wiring.
/// </summary>
internal sealed class PipelinePlan : IDisposable
{
    private PipelinePlan(
        IReadOnlyList<LoadedStage> stages, IReadOnlyList<TensorSpec> inputs, IReadOnlyList<string> outputs,
        IReadOnlyList<string>? labels)
    {
        Stages = stages;
        Inputs = inputs;
        Outputs = outputs;
        Labels = labels;
    }

    public IReadOnlyList<LoadedStage> Stages { get; }

    public IReadOnlyList<TensorSpec> Inputs { get; }

    /// <summary>The device-produced tensors returned per item, in order.</summary>
    public IReadOnlyList<string> Outputs { get; }

    /// <summary>Class labels for the top-k indices, when configured.</summary>
    public IReadOnlyList<string>? Labels { get; }

    /// <param name="countInsertedCopies">
    /// Have ONNX Runtime save each optimized graph at load and count the copy nodes it inserted (the device path;
    /// <see cref="ModelFile.InsertedCopies"/>).
    /// </param>
    public static PipelinePlan Load(
        PipelineOptions options, ExecutionDevice device, bool countInsertedCopies, InferenceMetrics metrics, CancellationToken cancellationToken)
    {
        var stages = new List<LoadedStage>();
        try
        {
            using var sessionOptions = SessionOptionsFactory.Create(device, options);
            var loader = new SessionLoader(sessionOptions, countInsertedCopies, metrics);
            var userStages = new List<(ModelFile Model, InferenceSession Session, StageOptions Options)>();
            for (var i = 0; i < options.Stages.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var path = options.Stages[i].Model;
                if (!File.Exists(path))
                {
                    throw new PipelineSetupException($"Pipeline:Stages:{i}:Model: file '{path}' does not exist");
                }

                var (model, session) = loader.LoadFile(Path.GetFileNameWithoutExtension(path), path);
                if (DataDependentShapes.FindOperator(path) is { } op)
                {
                    session.Dispose();
                    throw new PipelineSetupException(
                        $"Pipeline:Stages:{i}:Model: model '{Path.GetFileName(path)}' uses {op}, whose output shape depends on the input data; the engine preallocates every stage's outputs per batch size, so such models are not supported");
                }

                userStages.Add((model, session, options.Stages[i]));
                stages.Add(Wire(model, session, options.Stages[i], $"Pipeline:Stages:{i}"));
            }

            if (options.Image is { } image)
            {
                stages.Insert(0, CreateImageStage(image, stages[0], loader));
            }

            IReadOnlyList<string>? labels = null;
            if (options.Postprocessing is { } post)
            {
                var (stage, classes) = CreatePostprocessingStage(post, stages[^1], loader);
                stages.Add(stage);
                labels = post.Labels is null ? null : ReadLabels(post.Labels, classes);
            }

            var inputs = ResolveInputs(stages, options);
            var outputs = ResolveOutputs(stages, options);
            return new PipelinePlan(stages, inputs, outputs, labels);
        }
        catch
        {
            foreach (var stage in stages)
            {
                stage.Dispose();
            }

            throw;
        }
    }

    public void Dispose()
    {
        foreach (var stage in Stages)
        {
            stage.Dispose();
        }
    }

    private static LoadedStage Wire(ModelFile model, InferenceSession session, StageOptions stage, string key)
    {
        foreach (var name in stage.Inputs.Keys.Where(name => !session.InputMetadata.ContainsKey(name)))
        {
            throw new PipelineSetupException(
                $"{key}:Inputs:{name}: model '{model.Name}' has no input '{name}' (it has: {string.Join(", ", session.InputNames)})");
        }

        foreach (var name in stage.Outputs.Keys.Where(name => !session.OutputMetadata.ContainsKey(name)))
        {
            throw new PipelineSetupException(
                $"{key}:Outputs:{name}: model '{model.Name}' has no output '{name}' (it has: {string.Join(", ", session.OutputNames)})");
        }

        return new LoadedStage(
            model,
            session,
            [.. session.InputNames.Select(name => (name, stage.Inputs.GetValueOrDefault(name, name)))],
            [.. session.OutputNames.Select(name => (name, stage.Outputs.GetValueOrDefault(name, name)))]);
    }

    private static LoadedStage CreateImageStage(
        ImagePreprocessingOptions image, LoadedStage first, SessionLoader loader)
    {
        var target = image.Target ?? (first.Inputs.Count == 1
            ? first.Inputs[0].ModelName
            : throw new PipelineSetupException(
                $"Pipeline:Image:Target must name which input of '{first.Model.Name}' gets the image (it has: {string.Join(", ", first.Inputs.Select(i => i.ModelName))})"));
        var feeding = first.Inputs.FirstOrDefault(i => i.ModelName == target).Source
            ?? throw new PipelineSetupException(
                $"Pipeline:Image:Target: '{first.Model.Name}' has no input '{target}' (it has: {string.Join(", ", first.Inputs.Select(i => i.ModelName))})");
        var bytes = ImagePreprocessingStage.Build(
            image.Width, image.Height, image.Scale, image.EffectiveMean, image.EffectiveStd, image.Input, feeding);
        const string name = "image_preprocessing";
        var (model, session) = loader.Load(name, "builtin:" + name, bytes);
        return Wire(model, session, new StageOptions(), "Pipeline:Image");
    }

    private static (LoadedStage Stage, long Classes) CreatePostprocessingStage(
        ClassificationOptions post, LoadedStage last, SessionLoader loader)
    {
        var (modelName, produced) = post.Source is null
            ? last.Outputs.Count == 1 ? last.Outputs[0] : throw new PipelineSetupException(
                $"Pipeline:Postprocessing:Source must name which output of '{last.Model.Name}' holds the logits (it has: {string.Join(", ", last.Outputs.Select(o => o.Produced))})")
            : last.Outputs.FirstOrDefault(o => o.Produced == post.Source);
        if (modelName is null)
        {
            throw new PipelineSetupException(
                $"Pipeline:Postprocessing:Source: '{last.Model.Name}' has no output '{post.Source}' (it has: {string.Join(", ", last.Outputs.Select(o => o.Produced))})");
        }

        var metadata = last.Session.OutputMetadata[modelName];
        if (metadata.ElementDataType != Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float
            || metadata.Dimensions.Length != 2 || metadata.Dimensions[1] <= 0)
        {
            throw new PipelineSetupException(
                $"Pipeline:Postprocessing: output '{produced}' must be float32 [N, classes] with a fixed class count, got {metadata.ElementDataType} [{string.Join(',', metadata.Dimensions)}]");
        }

        var classes = metadata.Dimensions[1];
        if (post.TopK > classes)
        {
            throw new PipelineSetupException(
                $"Pipeline:Postprocessing:TopK is {post.TopK}, but '{last.Model.Name}' has only {classes} classes (0 keeps them all)");
        }

        var bytes = ClassificationPostprocessingStage.Build(produced, classes, post.Softmax, post.TopK);
        const string name = "classification_postprocessing";
        var (model, session) = loader.Load(name, "builtin:" + name, bytes);
        return (Wire(model, session, new StageOptions(), "Pipeline:Postprocessing"), classes);
    }

    private static string[] ReadLabels(string path, long classes)
    {
        var labels = File.ReadAllLines(path).Select(line => line.Trim()).ToArray();
        if (labels.Length > 0 && labels[^1].Length == 0)
        {
            labels = labels[..^1];
        }

        return labels.Length == classes
            ? labels
            : throw new PipelineSetupException(
                $"Pipeline:Postprocessing:Labels: '{path}' has {labels.Length} labels but the model has {classes} classes");
    }

    private static List<TensorSpec> ResolveInputs(IReadOnlyList<LoadedStage> stages, PipelineOptions options)
    {
        var produced = new HashSet<string>(StringComparer.Ordinal);
        var inputs = new List<TensorSpec>();
        foreach (var stage in stages)
        {
            foreach (var (modelName, source) in stage.Inputs)
            {
                if (produced.Contains(source))
                {
                    continue;
                }

                var spec = SpecOf(source, stage, stage.Session.InputMetadata[modelName], options);
                var existing = inputs.Find(i => i.Name == source);
                if (existing is null)
                {
                    inputs.Add(spec);
                }
                else if (existing.DataType != spec.DataType || !existing.ItemShape.SequenceEqual(spec.ItemShape))
                {
                    throw new PipelineSetupException(
                        $"pipeline input '{source}' feeds stages with different types: {existing.DataType} [{string.Join(',', existing.ItemShape)}] vs {spec.DataType} [{string.Join(',', spec.ItemShape)}]");
                }
            }

            foreach (var (_, name) in stage.Outputs)
            {
                if (!produced.Add(name) || inputs.Exists(i => i.Name == name))
                {
                    throw new PipelineSetupException(
                        $"tensor '{name}' is defined twice (stage '{stage.Model.Name}'); rename it with Pipeline:Stages:N:Outputs");
                }
            }
        }

        return inputs;
    }

    private static TensorSpec SpecOf(string name, LoadedStage stage, NodeMetadata metadata, PipelineOptions options)
    {
        var where = $"input '{name}' of stage '{stage.Model.Name}'";
        if (!metadata.IsTensor || !TensorDataTypes.TryFromOrt(metadata.ElementDataType, out var type) || type == TensorDataType.String)
        {
            throw new PipelineSetupException($"{where} has type {metadata.ElementDataType}; pipeline inputs must be float32, float16, int64, int32, uint8 or bool tensors");
        }

        if (metadata.Dimensions.Length == 0 || metadata.Dimensions[0] > 0)
        {
            throw new PipelineSetupException(
                $"{where} needs a symbolic first (batch) dimension, got [{string.Join(',', metadata.Dimensions)}]");
        }

        var declared = new List<Dim>();
        var shape = new List<long>();
        for (var i = 1; i < metadata.Dimensions.Length; i++)
        {
            if (metadata.Dimensions[i] >= 0)
            {
                declared.Add(metadata.Dimensions[i]);
                shape.Add(metadata.Dimensions[i]);
                continue;
            }

            var symbol = metadata.SymbolicDimensions[i];
            if (string.IsNullOrEmpty(symbol))
            {
                throw new PipelineSetupException($"{where} has an unnamed dynamic dimension {i}; give it a name in the model");
            }

            declared.Add(symbol);
            shape.Add(options.SymbolicDims.TryGetValue(symbol, out var value)
                ? value
                : throw new PipelineSetupException(
                    $"Pipeline:SymbolicDims:{symbol} must be set: {where} has symbolic dimension '{symbol}', and buffers are preallocated"));
        }

        return new TensorSpec(name, type, declared, shape);
    }

    private static List<string> ResolveOutputs(IReadOnlyList<LoadedStage> stages, PipelineOptions options)
    {
        var produced = stages.SelectMany(s => s.Outputs.Select(o => o.Produced)).ToHashSet(StringComparer.Ordinal);
        if (options.Outputs is not { Count: > 0 } wanted)
        {
            return [.. stages[^1].Outputs.Select(o => o.Produced)];
        }

        for (var i = 0; i < wanted.Count; i++)
        {
            if (!produced.Contains(wanted[i]))
            {
                throw new PipelineSetupException(
                    $"Pipeline:Outputs:{i}: no stage produces '{wanted[i]}' (produced: {string.Join(", ", produced)})");
            }
        }

        return [.. wanted.Distinct()];
    }
}
