using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace PullWorker.Inference.Configuration;

/// <summary>Binds and validates the <c>Pipeline</c> and <c>Batching</c> sections.</summary>
public static class InferenceServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="PipelineOptions"/> and <see cref="BatchingOptions"/> from <paramref name="configuration"/>
    /// and validates them at start, so an invalid value stops the host with a message naming its key.
    /// </summary>
    public static IServiceCollection AddInferenceOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<PipelineOptions>().Bind(configuration.GetSection(PipelineOptions.SectionName)).ValidateOnStart();
        services.AddOptions<BatchingOptions>().Bind(configuration.GetSection(BatchingOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PipelineOptions>, PipelineOptionsValidator>();
        services.AddSingleton<IValidateOptions<BatchingOptions>, BatchingOptionsValidator>();
        return services;
    }
}
