using System.Buffers.Text;
using System.Text;
using PullWorker.Emulator.Storage.Errors;

namespace PullWorker.Emulator.Storage.Store;

/// <summary>
/// Where the next page of a listing starts: the last name (or collapsed prefix) the previous page returned.
/// Opaque to clients, as Google's tokens are.
/// </summary>
internal sealed record PageToken(string Key, bool IsPrefix)
{
    private const char ItemMark = 'o';
    private const char PrefixMark = 'p';

    public string Encode() => Base64Url.EncodeToString(Encoding.UTF8.GetBytes((IsPrefix ? PrefixMark : ItemMark) + Key));

    /// <exception cref="StorageException">400 invalid when the token was not made here.</exception>
    public static PageToken Decode(string token)
    {
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException)
        {
            throw InvalidToken(token);
        }

        return text.Length > 0 && text[0] is ItemMark or PrefixMark
            ? new PageToken(text[1..], text[0] == PrefixMark)
            : throw InvalidToken(token);
    }

    /// <summary>Whether a name was already covered by the page that ended here.</summary>
    public bool Covers(string name) =>
        string.CompareOrdinal(name, Key) <= 0 || (IsPrefix && name.StartsWith(Key, StringComparison.Ordinal));

    private static StorageException InvalidToken(string token) =>
        StorageException.Invalid($"Invalid page token: '{token}'.");
}
