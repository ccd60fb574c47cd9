using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace XcpTunnel.Configuration;

/// <summary>
/// Parses the scalars the sections bind as text. Each method reports a bad value under its key and
/// returns null, so validation goes on and finds the other errors too.
/// </summary>
internal static class ConfigValues
{
    public static bool IsSet([NotNullWhen(true)] string? text) => !string.IsNullOrWhiteSpace(text);

    public static bool? Flag(string? text, bool fallback, string key, ConfigDiagnostics diagnostics)
    {
        if (!IsSet(text))
        {
            return fallback;
        }

        if (bool.TryParse(text.Trim(), out var value))
        {
            return value;
        }

        diagnostics.Error(key, $"'{text}' is not true or false");
        return null;
    }

    /// <summary>A whole number of at least <paramref name="minimum"/>; <paramref name="fallback"/> when unset.</summary>
    public static int? Integer(string? text, int fallback, int minimum, string key, ConfigDiagnostics diagnostics)
    {
        if (!IsSet(text))
        {
            return fallback;
        }

        if (!int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            diagnostics.Error(key, OutOfRange(text) ? $"{text.Trim()} is too large (at most {int.MaxValue})" : $"'{text}' is not a whole number");
            return null;
        }

        if (value < minimum)
        {
            diagnostics.Error(key, $"{value} is less than {minimum}");
            return null;
        }

        return value;
    }

    /// <summary>Whole seconds as a <see cref="TimeSpan"/>; 0 is allowed only when <paramref name="allowZero"/>.</summary>
    public static TimeSpan? Seconds(string? text, TimeSpan fallback, bool allowZero, string key, ConfigDiagnostics diagnostics)
    {
        if (!IsSet(text))
        {
            return fallback;
        }

        if (!int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
        {
            diagnostics.Error(key, OutOfRange(text) ? $"{text.Trim()} seconds is too long (at most {int.MaxValue})" : $"'{text}' is not a whole number of seconds");
            return null;
        }

        if (seconds < 0 || (seconds == 0 && !allowZero))
        {
            diagnostics.Error(key, allowZero ? $"{seconds} is negative" : $"{seconds} must be a positive number of seconds");
            return null;
        }

        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>An absolute <c>https://</c> URL naming a host, without user info (credentials belong elsewhere).</summary>
    public static Uri? HttpsUrl(string? text, string key, ConfigDiagnostics diagnostics)
    {
        if (!IsSet(text))
        {
            diagnostics.Error(key, "missing; expected https://host[:port]");
            return null;
        }

        var trimmed = text.Trim();
        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps || url.Host.Length == 0)
        {
            diagnostics.Error(key, $"{Describe(trimmed)} is not an absolute https URL (https://host[:port])");
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

    // A whole number, only too large for an int: worth saying so rather than "not a whole number".
    private static bool OutOfRange(string text) =>
        System.Numerics.BigInteger.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);

    // A URL with '@' may carry credentials: say what is wrong without repeating it.
    private static string Describe(string text) =>
        text.Contains('@', StringComparison.Ordinal) ? "the value" : $"'{text}'";
}
