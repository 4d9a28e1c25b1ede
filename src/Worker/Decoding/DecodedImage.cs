using System.Diagnostics.CodeAnalysis;
using PullWorker.Jobs;

namespace PullWorker.Worker.Decoding;

/// <summary>An image as pipeline pixels (uint8 RGB, row-major <c>[height, width, 3]</c>), or why it could not be decoded.</summary>
public readonly record struct DecodedImage(byte[]? Rgb, JobError? Error)
{
    [MemberNotNullWhen(true, nameof(Rgb))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Rgb is not null;
}
