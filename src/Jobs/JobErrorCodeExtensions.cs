namespace PullWorker.Jobs;

public static class JobErrorCodeExtensions
{
    /// <summary>The contract's name for the code, as written in result documents (for logs and metadata).</summary>
    public static string ToWireName(this JobErrorCode code) => code switch
    {
        JobErrorCode.InvalidJson => "invalid_json",
        JobErrorCode.InvalidId => "invalid_id",
        JobErrorCode.UnknownInput => "unknown_input",
        JobErrorCode.MissingInput => "missing_input",
        JobErrorCode.InvalidTensor => "invalid_tensor",
        JobErrorCode.TooLarge => "too_large",
        JobErrorCode.InputNotFound => "input_not_found",
        JobErrorCode.InputForbidden => "input_forbidden",
        JobErrorCode.DecodeFailed => "decode_failed",
        JobErrorCode.InferenceFailed => "inference_failed",
        JobErrorCode.Unavailable => "unavailable",
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "not a JobErrorCode"),
    };

    /// <summary>The code whose contract name is <paramref name="wireName"/>.</summary>
    /// <exception cref="ArgumentException">No code has that name.</exception>
    public static JobErrorCode FromWireName(string wireName)
    {
        foreach (var code in Enum.GetValues<JobErrorCode>())
        {
            if (code.ToWireName() == wireName)
            {
                return code;
            }
        }

        throw new ArgumentException($"'{wireName}' is not a contract error code", nameof(wireName));
    }
}
