using Spectre.Console;

namespace PullWorker.Tools.Tests;

/// <summary>A Spectre console writing plain text to a buffer, as it would to a pipe.</summary>
internal sealed class TestConsole : IDisposable
{
    private readonly StringWriter _writer = new();

    public TestConsole() => Console = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Ansi = AnsiSupport.No,
        ColorSystem = ColorSystemSupport.NoColors,
        Interactive = InteractionSupport.No,
        Out = new AnsiConsoleOutput(_writer),
    });

    public IAnsiConsole Console { get; }

    public string Output => _writer.ToString();

    public void Dispose() => _writer.Dispose();
}
