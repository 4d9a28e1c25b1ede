using PullWorker.Inference.Batching;
using PullWorker.Inference.Tensors;
using PullWorker.Jobs;
using PullWorker.Jobs.Parsing;
using PullWorker.Worker.Inputs;

namespace PullWorker.Worker.Decoding;

/// <summary>
/// Turns a <see cref="ParsedJob"/> into the <see cref="InferenceItem"/> the pipeline runs, checked against the
/// pipeline's declared inputs, or into the job's error (<c>unknown_input</c>, <c>missing_input</c>,
/// <c>invalid_tensor</c>, <c>decode_failed</c>, <c>too_large</c>, and the fetcher's <c>input_*</c> codes).
/// Cheap checks run before any image is fetched or decoded. Thread-safe: decode workers share one instance, and a
/// model reload that changes the inputs builds a new one.
/// </summary>
public sealed class JobDecoder
{
    private readonly IReadOnlyList<TensorSpec> _inputs;
    private readonly InputFetcher _fetcher;
    private readonly ImageDecoder _images;
    private readonly SemaphoreSlim _decodeSlots;
    private readonly string _inputList;
    private readonly TensorSpec? _rawImageTarget;
    private readonly string? _rawImageProblem;

    /// <param name="inputs">The pipeline's inputs (<c>InferenceEngine.Inputs</c>).</param>
    /// <param name="fetcher">Fetches <c>gs://</c> images.</param>
    /// <param name="images">Decodes and resizes images.</param>
    /// <param name="decodeSlots">
    /// Held only while an image is decoded, never during its download: decoding is CPU- and memory-heavy (a
    /// full-size image is up to <c>Decoding:MaxImagePixels</c> x 4 bytes while decoded), so the worker allows one
    /// per core, while downloads wait on the network and have their own bound (<see cref="InputFetcher.ReserveAsync"/>).
    /// </param>
    public JobDecoder(IReadOnlyList<TensorSpec> inputs, InputFetcher fetcher, ImageDecoder images, SemaphoreSlim decodeSlots)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(fetcher);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(decodeSlots);
        _inputs = inputs;
        _fetcher = fetcher;
        _images = images;
        _decodeSlots = decodeSlots;
        _inputList = string.Join(", ", inputs.Select(spec => spec.Name));
        (_rawImageTarget, _rawImageProblem) = RawImageTarget(inputs, _inputList);
    }

    /// <summary>
    /// Decodes <paramref name="job"/>. Completes synchronously unless an image has to be fetched.
    /// </summary>
    /// <exception cref="Google.GoogleApiException">Fetching an image failed for a reason that is not the job's fault: do not ack.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public ValueTask<JobDecodeResult> DecodeAsync(ParsedJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.RawImage is { } rawImage)
        {
            return DecodeRawImageAsync(rawImage, cancellationToken);
        }

        if (InputNames.Check(_inputs, job.Inputs) is { } namesError)
        {
            return ValueTask.FromResult(JobDecodeResult.Failed(new JobError(JobErrorCodeExtensions.FromWireName(namesError.Code), namesError.Message)));
        }

        // Tensors and image targets are checked before any image is fetched or decoded: a job that will fail anyway
        // should not cost a download.
        var values = new Dictionary<string, TensorData>(_inputs.Count, StringComparer.Ordinal);
        var hasImages = false;
        foreach (var spec in _inputs)
        {
            JobError? error;
            if (job.Inputs[spec.Name] is TensorInput tensor)
            {
                error = ToTensor(spec, tensor, values);
            }
            else
            {
                error = CheckImageTarget(spec);
                hasImages = true;
            }

            if (error is not null)
            {
                return ValueTask.FromResult(JobDecodeResult.Failed(error));
            }
        }

        return hasImages
            ? DecodeImagesAsync(job, values, cancellationToken)
            : ValueTask.FromResult(JobDecodeResult.Decoded(new InferenceItem(values)));
    }

    private static (TensorSpec? Target, string? Problem) RawImageTarget(IReadOnlyList<TensorSpec> inputs, string inputList)
    {
        var imageInputs = inputs.Where(IsImageInput).ToList();
        return imageInputs.Count switch
        {
            0 => (null, $"this pipeline has no image input (inputs: {inputList}); send a JSON job"),
            1 => (imageInputs[0], null),
            _ => (null, $"a raw image message needs a pipeline with a single image input; this one has {imageInputs.Count} ({string.Join(", ", imageInputs.Select(s => s.Name))}); send a JSON job naming the input"),
        };
    }

    // Images feed uint8 [height, width, 3] inputs: the built-in preprocessing stage's, or a model's that takes pixels.
    private static bool IsImageInput(TensorSpec spec) =>
        spec.DataType == TensorDataType.UInt8 && spec.ItemShape.Count == 3 && spec.ItemShape[2] == 3
        && spec.ItemShape[0] is > 0 and <= int.MaxValue && spec.ItemShape[1] is > 0 and <= int.MaxValue;

    private static TensorDataType ToDataType(InputDType dtype) => dtype switch
    {
        InputDType.Float32 => TensorDataType.Float32,
        InputDType.Float16 => TensorDataType.Float16,
        InputDType.Int64 => TensorDataType.Int64,
        InputDType.Int32 => TensorDataType.Int32,
        InputDType.UInt8 => TensorDataType.UInt8,
        InputDType.Bool => TensorDataType.Bool,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    private static JobError? ToTensor(TensorSpec spec, TensorInput tensor, Dictionary<string, TensorData> values)
    {
        var (shape, data) = tensor.TakeArrays();
        var value = TensorData.FromBytes(ToDataType(tensor.DType), data, shape);
        if (spec.Validate(value) is { } problem)
        {
            return new JobError(JobErrorCode.InvalidTensor, problem);
        }

        values.Add(spec.Name, value);
        return null;
    }

    private static JobError? CheckImageTarget(TensorSpec spec) => IsImageInput(spec)
        ? null
        : new JobError(
            JobErrorCode.InvalidTensor,
            $"input '{spec.Name}': an image was given, but this input takes {spec.DataType.ToContractName()} [{string.Join(',', spec.ItemShape)}]; images feed only uint8 [height,width,3] inputs");

    private async ValueTask<JobDecodeResult> DecodeRawImageAsync(ImageInput image, CancellationToken cancellationToken)
    {
        if (_rawImageTarget is not { } target)
        {
            return JobDecodeResult.Failed(JobErrorCode.UnknownInput, _rawImageProblem!);
        }

        if (_inputs.FirstOrDefault(spec => spec != target) is { } other)
        {
            return JobDecodeResult.Failed(
                JobErrorCode.MissingInput,
                $"input '{other.Name}' is missing (a raw image message supplies only '{target.Name}'; send a JSON job)");
        }

        var (pixels, error) = await DecodeImageAsync(target, image, cancellationToken);
        return error is null
            ? JobDecodeResult.Decoded(InferenceItem.Single(target.Name, pixels!))
            : JobDecodeResult.Failed(error);
    }

    private async ValueTask<JobDecodeResult> DecodeImagesAsync(
        ParsedJob job, Dictionary<string, TensorData> values, CancellationToken cancellationToken)
    {
        foreach (var spec in _inputs)
        {
            if (job.Inputs[spec.Name] is not ImageInput image)
            {
                continue;
            }

            var (pixels, error) = await DecodeImageAsync(spec, image, cancellationToken);
            if (error is not null)
            {
                return JobDecodeResult.Failed(error);
            }

            values.Add(spec.Name, pixels!);
        }

        return JobDecodeResult.Decoded(new InferenceItem(values));
    }

    private async ValueTask<(TensorData? Pixels, JobError? Error)> DecodeImageAsync(
        TensorSpec spec, ImageInput image, CancellationToken cancellationToken)
    {
        if (image.Uri is not { } uri)
        {
            return await DecodeImageAsync(spec, image.Encoded, cancellationToken);
        }

        using var slot = await _fetcher.ReserveAsync(cancellationToken);
        var fetched = await _fetcher.FetchAsync(spec.Name, uri, cancellationToken);
        return fetched.Succeeded
            ? await DecodeImageAsync(spec, fetched.Data, cancellationToken)
            : (null, fetched.Error);
    }

    private async ValueTask<(TensorData? Pixels, JobError? Error)> DecodeImageAsync(
        TensorSpec spec, ReadOnlyMemory<byte> encoded, CancellationToken cancellationToken)
    {
        var height = (int)spec.ItemShape[0];
        var width = (int)spec.ItemShape[1];
        DecodedImage decoded;
        await _decodeSlots.WaitAsync(cancellationToken);
        try
        {
            decoded = _images.Decode(spec.Name, encoded.Span, width, height);
        }
        finally
        {
            _decodeSlots.Release();
        }

        return decoded.Succeeded
            ? (TensorData.ImagePixels(decoded.Rgb, width, height), null)
            : (null, decoded.Error);
    }
}
