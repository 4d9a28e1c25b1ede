using System.Globalization;
using System.Text.Json;

namespace PullWorker.Jobs.Parsing;

/// <summary>
/// Reads the JSON form of a job in one forward pass of a <see cref="Utf8JsonReader"/>: strict structure (no unknown
/// or duplicate fields, nothing after the object), bounded depth, and tensor data parsed straight into bytes.
/// Faults surface as <see cref="JobContentException"/> (the job's content) or <see cref="JsonException"/> (syntax).
/// </summary>
internal static class JsonJobReader
{
    private const string TensorFields = "a tensor has 'dtype', 'shape' and 'data' or 'b64'; an image has 'image'";

    /// <summary>The job's id (null when it has none) and its inputs.</summary>
    public static (JobId? Id, Dictionary<string, JobInput> Inputs) Read(ReadOnlySpan<byte> json, JobParserOptions options)
    {
        if (json.IsEmpty)
        {
            throw new JobContentException(JobErrorCode.InvalidJson, "the message is empty; a job is a JSON object with 'inputs'");
        }

        var reader = new Utf8JsonReader(json, ReaderOptions(options));
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JobContentException(
                JobErrorCode.InvalidJson, $"a job must be a JSON object, got {JobText.Kind(reader.TokenType)}");
        }

        JobId? id = null;
        var hasId = false;
        Dictionary<string, JobInput>? inputs = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                EnsureFirst(ref hasId, "the job has two 'id' fields");
                reader.Read();
                id = ReadId(ref reader);
            }
            else if (reader.ValueTextEquals("inputs"u8))
            {
                EnsureFirst(inputs is not null, "the job has two 'inputs' fields");
                reader.Read();
                inputs = ReadInputs(ref reader, json, options);
            }
            else
            {
                throw new JobContentException(
                    JobErrorCode.InvalidJson,
                    $"unknown field '{JobText.Echo(JobText.GetString(ref reader, "a field name"))}'; a job has only 'id' and 'inputs'");
            }
        }

        // Reading past the object makes the reader reject anything but whitespace after it.
        if (reader.Read())
        {
            throw new JsonException("unexpected content after the job's JSON object");
        }

        return inputs is null
            ? throw new JobContentException(JobErrorCode.InvalidJson, "the job has no 'inputs'")
            : (id, inputs);
    }

    /// <summary>
    /// After some other fault, looks for the job's top-level <c>id</c> so that the error result can still carry it.
    /// False when the document breaks before an <c>id</c> or has none; <paramref name="kind"/> is the id's JSON token
    /// type and <paramref name="text"/> its value when it is a string.
    /// </summary>
    public static bool TryFindId(ReadOnlySpan<byte> json, JobParserOptions options, out JsonTokenType kind, out string? text)
    {
        kind = JsonTokenType.None;
        text = null;
        try
        {
            var reader = new Utf8JsonReader(json, ReaderOptions(options));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isId = reader.ValueTextEquals("id"u8);
                reader.Read();
                if (isId)
                {
                    kind = reader.TokenType;
                    text = kind == JsonTokenType.String ? reader.GetString() : null;
                    return true;
                }

                reader.Skip();
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // The document breaks before any id: the message ID names the result.
        }

        return false;
    }

    /// <summary>The <c>invalid_id</c> message for an id of the wrong JSON type.</summary>
    public static string WrongIdType(JsonTokenType kind) =>
        $"job id must be a JSON string, got {JobText.Kind(kind)}; omit 'id' to use the message ID";

    private static JsonReaderOptions ReaderOptions(JobParserOptions options) => new()
    {
        MaxDepth = options.MaxDepth,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    private static void EnsureFirst(ref bool seen, string duplicateMessage)
    {
        EnsureFirst(seen, duplicateMessage);
        seen = true;
    }

    // Duplicate keys are refused: JSON parsers disagree on which one wins, so accepting them would let two
    // readers of the same message see different jobs.
    private static void EnsureFirst(bool seen, string duplicateMessage)
    {
        if (seen)
        {
            throw new JobContentException(JobErrorCode.InvalidJson, duplicateMessage);
        }
    }

    private static JobId ReadId(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JobContentException(JobErrorCode.InvalidId, WrongIdType(reader.TokenType));
        }

        var text = JobText.GetString(ref reader, "the job id");
        return JobId.TryParse(text, out var id, out var problem)
            ? id
            : throw new JobContentException(JobErrorCode.InvalidId, problem);
    }

    private static Dictionary<string, JobInput> ReadInputs(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, JobParserOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JobContentException(
                JobErrorCode.InvalidJson,
                $"'inputs' must be an object mapping input names to values, got {JobText.Kind(reader.TokenType)}");
        }

        var inputs = new Dictionary<string, JobInput>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = ReadInputName(ref reader);
            if (inputs.ContainsKey(name))
            {
                throw new JobContentException(JobErrorCode.InvalidJson, $"input '{name}' appears twice in 'inputs'");
            }

            if (inputs.Count == options.MaxInputs)
            {
                throw new JobContentException(
                    JobErrorCode.TooLarge,
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"the job has more than {options.MaxInputs} inputs ({JobParserOptions.SectionName}:{nameof(options.MaxInputs)})"));
            }

            reader.Read();
            inputs.Add(name, ReadInput(ref reader, json, name, options));
        }

        return inputs;
    }

    private static string ReadInputName(ref Utf8JsonReader reader)
    {
        var name = JobText.GetString(ref reader, "an input name");
        if (name.Length == 0)
        {
            throw new JobContentException(JobErrorCode.InvalidJson, "an input name is empty");
        }

        if (name.Length > JobParserOptions.MaxInputNameLength)
        {
            throw new JobContentException(
                JobErrorCode.InvalidJson,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"input name '{JobText.Echo(name)}' is {name.Length} characters long; at most {JobParserOptions.MaxInputNameLength} are allowed"));
        }

        return name;
    }

    private static JobInput ReadInput(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, string name, JobParserOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JobContentException(
                JobErrorCode.InvalidJson, $"input '{name}' must be an object ({TensorFields}), got {JobText.Kind(reader.TokenType)}");
        }

        var tensor = new TensorFieldsReader(name, options);
        ImageInput? image = null;
        string? firstTensorField = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("image"u8))
            {
                EnsureFirst(image is not null, $"input '{name}' has two 'image' fields");
                reader.Read();
                image = ImageFieldReader.Read(ref reader, name);
                continue;
            }

            var field = tensor.TryReadField(ref reader);
            if (field is null)
            {
                throw new JobContentException(
                    JobErrorCode.InvalidJson,
                    $"input '{name}': unknown field '{JobText.Echo(JobText.GetString(ref reader, "a field name"))}' ({TensorFields})");
            }

            firstTensorField ??= field;
        }

        if (image is not null)
        {
            return firstTensorField is null
                ? image
                : throw new JobContentException(
                    JobErrorCode.InvalidJson, $"input '{name}': 'image' cannot be combined with '{firstTensorField}' ({TensorFields})");
        }

        return tensor.Complete(json);
    }
}
