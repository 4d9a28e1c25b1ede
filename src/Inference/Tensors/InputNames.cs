using PullWorker.Inference.Batching;

namespace PullWorker.Inference.Tensors;

/// <summary>
/// The one rule for the inputs an item names: exactly the pipeline's inputs, no more, no fewer. The engine checks
/// every item with it, and the worker checks a job with it before fetching or decoding anything, so a job gets the
/// same answer from either.
/// </summary>
public static class InputNames
{
    /// <summary>Null when <paramref name="given"/> names exactly <paramref name="inputs"/>; else the first problem.</summary>
    public static InferenceError? Check<T>(IReadOnlyList<TensorSpec> inputs, IReadOnlyDictionary<string, T> given)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(given);
        if (given.Count == inputs.Count && inputs.All(spec => given.ContainsKey(spec.Name)))
        {
            return null;
        }

        if (given.Keys.FirstOrDefault(name => !inputs.Any(spec => spec.Name == name)) is { } unknown)
        {
            return new InferenceError(
                InferenceErrorCodes.UnknownInput,
                $"input '{unknown}' is not an input of this pipeline (inputs: {string.Join(", ", inputs.Select(spec => spec.Name))})");
        }

        var missing = inputs.First(spec => !given.ContainsKey(spec.Name));
        return new InferenceError(InferenceErrorCodes.MissingInput, $"input '{missing.Name}' is missing");
    }
}
