using System.Text.RegularExpressions;

namespace PullWorker.Worker.Tests.Security;

/// <summary>Shapes of credentials in general, whoever they belong to: what a log must never hold.</summary>
internal static partial class SecretPatterns
{
    /// <summary>Each pattern's name and the first match in <paramref name="text"/>, for every pattern that matches.</summary>
    public static IEnumerable<string> Find(string text) =>
        Patterns().Select(p => (p.Name, Match: p.Regex.Match(text))).Where(p => p.Match.Success).Select(p => $"{p.Name}: '{p.Match.Value}'");

    /// <summary>
    /// Header lines in HttpClient's request and response logs whose value is shown: IHttpClientFactory redacts every
    /// value to <c>*</c> by default, which is what keeps an <c>Authorization</c> header out of debug logs.
    /// </summary>
    public static IEnumerable<string> UnredactedHeaders(string output) =>
        HeaderLogs().Matches(output)
            .SelectMany(m => m.Groups["headers"].Value.Split(@"\n", StringSplitOptions.RemoveEmptyEntries))
            .Where(line => !line.EndsWith(": *", StringComparison.Ordinal));

    private static IEnumerable<(string Name, Regex Regex)> Patterns() =>
    [
        ("OAuth2 access token", AccessToken()),
        ("bearer credential", Bearer()),
        ("PEM private key", PrivateKey()),
        ("Google API key", ApiKey()),
        ("service-account key field", KeyField()),
        ("JWT", Jwt()),
    ];

    // The JSON log line's message: "Request Headers:\nName: *\n" with the newlines escaped.
    [GeneratedRegex(@"""message"":""(Request|Response) Headers:\\n(?<headers>[^""]*)""")]
    private static partial Regex HeaderLogs();

    [GeneratedRegex(@"ya29\.[0-9A-Za-z_\-]{20,}")]
    private static partial Regex AccessToken();

    [GeneratedRegex(@"Bearer\s+[0-9A-Za-z._~+/\-]{16,}", RegexOptions.IgnoreCase)]
    private static partial Regex Bearer();

    [GeneratedRegex(@"-----BEGIN [A-Z ]*PRIVATE KEY-----|MII[A-Za-z0-9+/]{60,}")]
    private static partial Regex PrivateKey();

    [GeneratedRegex(@"AIza[0-9A-Za-z_\-]{35}")]
    private static partial Regex ApiKey();

    [GeneratedRegex(@"""private_key(_id)?""\s*:")]
    private static partial Regex KeyField();

    [GeneratedRegex(@"eyJ[0-9A-Za-z_\-]{10,}\.eyJ[0-9A-Za-z_\-]{10,}\.[0-9A-Za-z_\-]{10,}")]
    private static partial Regex Jwt();
}
