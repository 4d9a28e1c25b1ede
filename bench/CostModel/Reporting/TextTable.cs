using System.Text;

namespace PullWorker.CostModel.Reporting;

/// <summary>A plain-text table (pastes into Markdown as a code block): numeric columns right-aligned, text left.</summary>
public sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public TextTable Add(params string[] cells)
    {
        if (cells.Length != headers.Length)
        {
            throw new ArgumentException($"A row needs {headers.Length} cells, got {cells.Length}.", nameof(cells));
        }

        _rows.Add(cells);
        return this;
    }

    public override string ToString()
    {
        var widths = headers.Select((header, column) => _rows.Select(row => row[column].Length).Append(header.Length).Max()).ToArray();
        var right = headers.Select((_, column) => column > 0 && _rows.All(row => IsNumeric(row[column]))).ToArray();
        var text = new StringBuilder();
        AppendLine(text, headers, widths, right);
        text.AppendLine(string.Join("  ", widths.Select(width => new string('-', width))));
        foreach (var row in _rows)
        {
            AppendLine(text, row, widths, right);
        }

        return text.ToString();
    }

    private static bool IsNumeric(string cell) => cell is "-" || (cell.Length > 0 && (char.IsAsciiDigit(cell[0]) || cell[0] == '$') && !cell.Contains(' ', StringComparison.Ordinal));

    private static void AppendLine(StringBuilder text, string[] cells, int[] widths, bool[] right)
    {
        var padded = cells.Select((cell, column) => right[column] ? cell.PadLeft(widths[column]) : cell.PadRight(widths[column]));
        text.AppendLine(string.Join("  ", padded).TrimEnd());
    }
}
