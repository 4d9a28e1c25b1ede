namespace PullWorker.Inference.Onnx;

/// <summary>One dimension of a declared shape: a fixed size or a symbolic name such as <c>"N"</c>.</summary>
public readonly record struct Dim
{
    private Dim(long? size, string? symbol)
    {
        Size = size;
        Symbol = symbol;
    }

    /// <summary>The fixed size, or null when symbolic.</summary>
    public long? Size { get; }

    /// <summary>The symbolic name, or null when fixed.</summary>
    public string? Symbol { get; }

    /// <summary>A fixed dimension.</summary>
    public static Dim Fixed(long size) =>
        size >= 0 ? new Dim(size, null) : throw new ArgumentOutOfRangeException(nameof(size), size, "must be >= 0");

    /// <summary>A symbolic dimension.</summary>
    public static Dim Symbolic(string name) =>
        string.IsNullOrWhiteSpace(name) ? throw new ArgumentException("needs a name", nameof(name)) : new Dim(null, name);

    public static implicit operator Dim(long size) => Fixed(size);

    public static implicit operator Dim(string symbol) => Symbolic(symbol);

    /// <inheritdoc />
    public override string ToString() => Symbol ?? Size!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
