using Microsoft.Extensions.Options;

namespace PullWorker.Inference.Configuration;

/// <summary>Validates <see cref="PipelineOptions"/>; every failure names its full configuration key.</summary>
public sealed class PipelineOptionsValidator : IValidateOptions<PipelineOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, PipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string P = PipelineOptions.SectionName;
        var failures = new List<string>();
        if (options.Stages.Count == 0)
        {
            failures.Add($"{P}:Stages needs at least one stage (set {P}:Stages:0:Model to an ONNX file)");
        }

        for (var i = 0; i < options.Stages.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.Stages[i].Model))
            {
                failures.Add($"{P}:Stages:{i}:Model is required: the path of an ONNX file");
            }
        }

        if (!Enum.IsDefined(options.Device))
        {
            failures.Add($"{P}:Device must be auto, cpu or cuda");
        }

        if (options.DeviceId < 0)
        {
            failures.Add($"{P}:DeviceId must be >= 0, got {options.DeviceId}");
        }

        if (options.BatchSizes is { } sizes)
        {
            for (var i = 0; i < sizes.Count; i++)
            {
                if (sizes[i] < 1)
                {
                    failures.Add($"{P}:BatchSizes:{i} must be >= 1, got {sizes[i]}");
                }
            }
        }

        foreach (var (symbol, value) in options.SymbolicDims)
        {
            if (value < 1)
            {
                failures.Add($"{P}:SymbolicDims:{symbol} must be >= 1, got {value}");
            }
        }

        if (options.IntraOpThreads < 0)
        {
            failures.Add($"{P}:IntraOpThreads must be >= 0, got {options.IntraOpThreads}");
        }

        ValidateImage(options.Image, failures);
        ValidatePostprocessing(options.Postprocessing, failures);
        ValidateCuda(options.Cuda, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateImage(ImagePreprocessingOptions? image, List<string> failures)
    {
        const string K = PipelineOptions.SectionName + ":Image";
        if (image is null)
        {
            return;
        }

        if (image.Width < 1 || image.Height < 1)
        {
            failures.Add($"{K}:Width and {K}:Height must be >= 1, got {image.Width}x{image.Height}");
        }

        if (image.Mean is { Length: not 3 })
        {
            failures.Add($"{K}:Mean needs 3 values (R, G, B), got {image.Mean.Length}");
        }

        if (image.Std is { } std && (std.Length != 3 || std.Any(s => s == 0)))
        {
            failures.Add($"{K}:Std needs 3 non-zero values (R, G, B), got [{string.Join(", ", std)}]");
        }

        if (string.IsNullOrWhiteSpace(image.Input))
        {
            failures.Add($"{K}:Input must name the pipeline's image input");
        }
    }

    private static void ValidatePostprocessing(ClassificationOptions? post, List<string> failures)
    {
        const string K = PipelineOptions.SectionName + ":Postprocessing";
        if (post is null)
        {
            return;
        }

        if (post.TopK < 0)
        {
            failures.Add($"{K}:TopK must be >= 0, got {post.TopK}");
        }

        if (post.Labels is { } labels && !File.Exists(labels))
        {
            failures.Add($"{K}:Labels: file '{labels}' does not exist");
        }

        if (post.Labels is not null && post.TopK == 0)
        {
            failures.Add($"{K}:Labels needs {K}:TopK >= 1 (labels are given for the top-k classes)");
        }
    }

    private static void ValidateCuda(CudaOptions cuda, List<string> failures)
    {
        const string K = PipelineOptions.SectionName + ":Cuda";
        if (!CudaOptions.ConvAlgoSearchValues.Contains(cuda.ConvAlgoSearch))
        {
            failures.Add($"{K}:ConvAlgoSearch must be one of {string.Join(", ", CudaOptions.ConvAlgoSearchValues)}, got '{cuda.ConvAlgoSearch}'");
        }

        if (!CudaOptions.ArenaExtendStrategyValues.Contains(cuda.ArenaExtendStrategy))
        {
            failures.Add($"{K}:ArenaExtendStrategy must be one of {string.Join(", ", CudaOptions.ArenaExtendStrategyValues)}, got '{cuda.ArenaExtendStrategy}'");
        }

        if (cuda.MemoryLimitBytes < 0)
        {
            failures.Add($"{K}:MemoryLimitBytes must be >= 0 (0 = no limit), got {cuda.MemoryLimitBytes}");
        }
    }
}
