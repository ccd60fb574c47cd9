namespace XcpTunnel.Configuration;

/// <summary>Values the configuration and the command line read alike; a bad one is reported under its key or option.</summary>
internal static class ConfigValues
{
    /// <summary>An absolute <c>https://</c> URL naming a host, without user info (credentials belong elsewhere).</summary>
    public static Uri? HttpsUrl(string? text, string key, ConfigDiagnostics diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        if (string.IsNullOrWhiteSpace(text))
        {
            diagnostics.Error(key, "missing; expected https://host[:port]");
            return null;
        }

        var trimmed = text.Trim();
        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps || url.Host.Length == 0)
        {
            // A URL with '@' may carry credentials: say what is wrong without repeating it.
            diagnostics.Error(key, $"{(trimmed.Contains('@', StringComparison.Ordinal) ? "the value" : $"'{trimmed}'")} is not an absolute https URL (https://host[:port])");
            return null;
        }

        if (url.UserInfo.Length > 0)
        {
            // Never echo it: the user info may be a password.
            diagnostics.Error(key, "must not contain user info; set Username and a password source instead");
            return null;
        }

        return url;
    }
}
