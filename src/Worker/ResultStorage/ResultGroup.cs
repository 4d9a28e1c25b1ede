namespace PullWorker.Worker.ResultStorage;

/// <summary>A sealed group of result lines, written as one JSONL object: each line a result document and <c>\n</c>.</summary>
public sealed class ResultGroup(ReadOnlyMemory<byte> content, int lines)
{
    public ReadOnlyMemory<byte> Content { get; } = content;

    public int Lines { get; } = lines;
}
