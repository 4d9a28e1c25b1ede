using System.Globalization;
using PullWorker.Jobs;

namespace PullWorker.Tools.Results;

/// <summary>An object under a results prefix is far larger than any result document; it was not downloaded.</summary>
public sealed class ResultTooLargeException(GcsUri uri, long size, long limit)
    : Exception(string.Create(CultureInfo.InvariantCulture, $"{uri} is {size} bytes; a result document is at most {limit}"));
