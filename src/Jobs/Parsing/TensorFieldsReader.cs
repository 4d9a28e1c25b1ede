using System.Globalization;
using System.Text.Json;

namespace PullWorker.Jobs.Parsing;

/// <summary>
/// Collects one tensor input's fields in whatever order the job wrote them. <c>data</c> is parsed on the spot when
/// <c>dtype</c> and <c>shape</c> came first (the usual order); otherwise its position is remembered, the array is
/// skipped, and it is parsed once the object is complete.
/// </summary>
internal sealed class TensorFieldsReader(string inputName, JobParserOptions options)
{
    private InputDType? _dtype;
    private long[]? _shape;
    private long _elementCount;
    private bool _hasData;
    private byte[]? _data;
    private long _deferredDataStart = -1;
    private byte[]? _b64;

    /// <summary>
    /// Reads the value of the property the reader is on when it is a tensor field, and returns the field's name;
    /// returns null, leaving the reader where it is, for any other property.
    /// </summary>
    public string? TryReadField(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("dtype"u8))
        {
            EnsureFirst(_dtype.HasValue, "dtype");
            reader.Read();
            _dtype = ReadDType(ref reader);
            return "dtype";
        }

        if (reader.ValueTextEquals("shape"u8))
        {
            EnsureFirst(_shape is not null, "shape");
            reader.Read();
            (_shape, _elementCount) = ReadShape(ref reader);
            return "shape";
        }

        if (reader.ValueTextEquals("data"u8))
        {
            EnsureFirst(_hasData, "data");
            _hasData = true;
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw Fault(JobErrorCode.InvalidJson, $"'data' must be an array, got {JobText.Kind(reader.TokenType)}");
            }

            if (_dtype is { } dtype && _shape is not null)
            {
                EnsureWithinLimit(dtype);
                _data = TensorDataReader.Read(ref reader, inputName, dtype, _shape, _elementCount);
            }
            else
            {
                _deferredDataStart = reader.TokenStartIndex;
                reader.Skip();
            }

            return "data";
        }

        if (reader.ValueTextEquals("b64"u8))
        {
            EnsureFirst(_b64 is not null, "b64");
            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
            {
                throw Fault(JobErrorCode.InvalidJson, $"'b64' must be a base64 string, got {JobText.Kind(reader.TokenType)}");
            }

            _b64 = reader.TryGetBytesFromBase64(out var bytes)
                ? bytes
                : throw Fault(JobErrorCode.InvalidTensor, "'b64' is not valid base64");
            return "b64";
        }

        return null;
    }

    /// <summary>Checks that the fields make a tensor and builds it, parsing a deferred <c>data</c> array from <paramref name="json"/>.</summary>
    public TensorInput Complete(ReadOnlySpan<byte> json)
    {
        if (_dtype is not { } dtype)
        {
            throw Fault(JobErrorCode.InvalidJson, "missing 'dtype' (a tensor has 'dtype', 'shape' and 'data' or 'b64'; an image has 'image')");
        }

        if (_shape is null)
        {
            throw Fault(JobErrorCode.InvalidJson, "missing 'shape'");
        }

        if (_hasData == (_b64 is not null))
        {
            throw Fault(
                JobErrorCode.InvalidJson,
                _hasData ? "'data' and 'b64' are exclusive; send one of them" : "missing 'data' or 'b64'");
        }

        EnsureWithinLimit(dtype);
        if (_b64 is not null)
        {
            var expected = _elementCount * dtype.ElementSize();
            return _b64.LongLength == expected
                ? new TensorInput(dtype, _shape, _elementCount, _b64)
                : throw Fault(
                    JobErrorCode.InvalidTensor,
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"expected shape {JobText.Shape(_shape)} of {dtype.ToContractName()} ({_elementCount} values, {expected} bytes), 'b64' holds {_b64.LongLength} bytes"));
        }

        if (_data is null)
        {
            var reader = new Utf8JsonReader(json[(int)_deferredDataStart..], new JsonReaderOptions { MaxDepth = options.MaxDepth });
            reader.Read();
            _data = TensorDataReader.Read(ref reader, inputName, dtype, _shape, _elementCount);
        }

        return new TensorInput(dtype, _shape, _elementCount, _data);
    }

    private InputDType ReadDType(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw Fault(JobErrorCode.InvalidJson, $"'dtype' must be a string, got {JobText.Kind(reader.TokenType)}");
        }

        var known = reader.ValueIsEscaped
            ? InputDTypes.TryParse(System.Text.Encoding.UTF8.GetBytes(JobText.GetString(ref reader, "'dtype'")), out var dtype)
            : InputDTypes.TryParse(reader.ValueSpan, out dtype);
        return known
            ? dtype
            : throw Fault(
                JobErrorCode.InvalidTensor,
                $"dtype {JobText.Token(ref reader)} is not supported; use one of {InputDTypes.AllowedNames}");
    }

    private (long[] Shape, long ElementCount) ReadShape(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Fault(JobErrorCode.InvalidJson, $"'shape' must be an array of non-negative integers, got {JobText.Kind(reader.TokenType)}");
        }

        Span<long> dims = stackalloc long[JobParserOptions.MaxRank];
        var rank = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (rank == JobParserOptions.MaxRank)
            {
                throw Fault(
                    JobErrorCode.InvalidTensor,
                    string.Create(CultureInfo.InvariantCulture, $"'shape' has more than {JobParserOptions.MaxRank} dims"));
            }

            dims[rank] = ReadDim(ref reader, rank);
            rank++;
        }

        var shape = dims[..rank].ToArray();
        return (shape, ElementCount(shape));
    }

    private long ReadDim(ref Utf8JsonReader reader, int index)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            throw Fault(
                JobErrorCode.InvalidJson,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"'shape' must be an array of non-negative integers; dim {index} is {JobText.Kind(reader.TokenType)}"));
        }

        var status = JsonIntegers.TryRead(ref reader, 0, long.MaxValue, out var dim);
        return status switch
        {
            IntegerStatus.Ok => dim,
            IntegerStatus.OutOfRange when !JsonIntegers.IsNegative(ref reader) => throw Fault(
                JobErrorCode.TooLarge,
                string.Create(CultureInfo.InvariantCulture, $"shape dim {index} is {JobText.Token(ref reader)}, more than any tensor can have")),
            _ => throw Fault(
                JobErrorCode.InvalidTensor,
                string.Create(CultureInfo.InvariantCulture, $"shape dim {index} is {JobText.Token(ref reader)}; dims must be non-negative integers")),
        };
    }

    private long ElementCount(long[] shape)
    {
        // A zero dim makes the tensor empty however large the others are; checking it first keeps such a shape
        // from being called an overflow.
        if (shape.Contains(0))
        {
            return 0;
        }

        long count = 1;
        foreach (var dim in shape)
        {
            if (count > long.MaxValue / dim)
            {
                throw Fault(
                    JobErrorCode.TooLarge,
                    $"shape {JobText.Shape(shape)} has more values than a 64-bit count can hold");
            }

            count *= dim;
        }

        return count;
    }

    private void EnsureWithinLimit(InputDType dtype)
    {
        var size = dtype.ElementSize();
        if (_elementCount > options.MaxMessageBytes / size)
        {
            throw Fault(
                JobErrorCode.TooLarge,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"shape {JobText.Shape(_shape!)} of {dtype.ToContractName()} is {_elementCount} values ({(decimal)_elementCount * size} bytes); a tensor may have at most {options.MaxMessageBytes} bytes ({JobParserOptions.SectionName}:{nameof(options.MaxMessageBytes)})"));
        }
    }

    private void EnsureFirst(bool seen, string field)
    {
        if (seen)
        {
            throw Fault(JobErrorCode.InvalidJson, $"'{field}' appears twice");
        }
    }

    private JobContentException Fault(JobErrorCode code, string problem) => new(code, $"input '{inputName}': {problem}");
}
