using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PullWorker.Jobs.Parsing;

/// <summary>
/// Echoes parts of a job in error messages: bounded in length and printable, so a hostile message cannot make its
/// own error result (or a log line) huge or unreadable.
/// </summary>
internal static class JobText
{
    private const int MaxEchoedChars = 64;

    /// <summary>The text, cut to a readable length, with control and non-ASCII characters as <c>U+XXXX</c>.</summary>
    public static string Echo(string text)
    {
        var builder = new StringBuilder(Math.Min(text.Length, MaxEchoedChars) + 8);
        for (var i = 0; i < text.Length; i++)
        {
            if (builder.Length >= MaxEchoedChars)
            {
                return builder.Append("...").ToString();
            }

            var c = text[i];
            if (c is >= ' ' and <= '~')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append(CultureInfo.InvariantCulture, $"U+{(int)c:X4}");
            }
        }

        return builder.ToString();
    }

    /// <summary>The current token as a job wrote it: numbers and literals as is, strings in double quotes.</summary>
    public static string Token(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number => Echo(Encoding.UTF8.GetString(reader.ValueSpan[..Math.Min(reader.ValueSpan.Length, MaxEchoedChars + 1)])),
        JsonTokenType.String => "\"" + Echo(StringOrPlaceholder(ref reader)) + "\"",
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Null => "null",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.StartObject => "an object",
        var other => other.ToString(),
    };

    /// <summary>The JSON kind of the current token, for "expected X, got Y" messages.</summary>
    public static string Kind(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        var other => other.ToString(),
    };

    /// <summary>A shape as the messages show it: <c>[1,28,28]</c>.</summary>
    public static string Shape(IReadOnlyList<long> shape) => "[" + string.Join(',', shape) + "]";

    /// <summary>The current string token (or property name) as .NET text.</summary>
    /// <exception cref="JobContentException">It is not valid UTF-8.</exception>
    public static string GetString(ref Utf8JsonReader reader, string what)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            throw new JobContentException($"{what} is not valid UTF-8", e);
        }
    }

    private static string StringOrPlaceholder(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return "(invalid UTF-8)";
        }
    }
}
