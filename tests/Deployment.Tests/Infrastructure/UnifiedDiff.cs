using System.Text;

namespace PullWorker.Deployment.Tests.Infrastructure;

/// <summary>
/// A small line-based unified diff (longest common subsequence; listings are a few dozen lines), so a
/// failing golden comparison reads like <c>diff -u</c> without depending on it.
/// </summary>
public static class UnifiedDiff
{
    private const int Context = 3;

    public static string Create(string expected, string actual, string expectedName, string actualName)
    {
        var a = SplitLines(expected);
        var b = SplitLines(actual);
        var edits = Edits(a, b);

        var output = new StringBuilder();
        output.Append("--- ").AppendLine(expectedName).Append("+++ ").AppendLine(actualName);
        var index = 0;
        while (index < edits.Count)
        {
            if (edits[index].Kind == ' ')
            {
                index++;
                continue;
            }

            var start = Math.Max(0, index - Context);
            var end = index;
            // Extend the hunk while changes are closer than two context windows apart.
            for (var lastChange = index; end < edits.Count && end - lastChange <= 2 * Context; end++)
            {
                if (edits[end].Kind != ' ')
                {
                    lastChange = end;
                }
            }

            end = Math.Min(edits.Count, LastChange(edits, start, end) + Context + 1);
            AppendHunk(output, edits, start, end);
            index = end;
        }

        return output.ToString();
    }

    private static int LastChange(List<Edit> edits, int start, int end)
    {
        for (var i = end - 1; i >= start; i--)
        {
            if (edits[i].Kind != ' ')
            {
                return i;
            }
        }

        return start;
    }

    private static void AppendHunk(StringBuilder output, List<Edit> edits, int start, int end)
    {
        var hunk = edits.GetRange(start, end - start);
        var first = edits[start];
        output.Append("@@ -").Append(first.LineA + 1).Append(',').Append(hunk.Count(e => e.Kind != '+'))
            .Append(" +").Append(first.LineB + 1).Append(',').Append(hunk.Count(e => e.Kind != '-')).AppendLine(" @@");
        foreach (var edit in hunk)
        {
            output.Append(edit.Kind).AppendLine(edit.Text);
        }
    }

    private static List<Edit> Edits(string[] a, string[] b)
    {
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var edits = new List<Edit>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                edits.Add(new Edit(' ', a[x], x++, y++));
            }
            else if (y < b.Length && (x == a.Length || lcs[x, y + 1] > lcs[x + 1, y]))
            {
                edits.Add(new Edit('+', b[y], x, y++));
            }
            else
            {
                edits.Add(new Edit('-', a[x], x++, y));
            }
        }

        return edits;
    }

    private static string[] SplitLines(string text) =>
        text.Length == 0 ? [] : text.TrimEnd('\n').Split('\n');

    private readonly record struct Edit(char Kind, string Text, int LineA, int LineB);
}
