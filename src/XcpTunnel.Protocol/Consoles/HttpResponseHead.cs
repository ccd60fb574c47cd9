using System.Buffers;
using System.Globalization;
using System.Text;

namespace XcpTunnel.Protocol.Consoles;

/// <summary>
/// The status line and headers of an HTTP/1.x reply, as xapi sends them to a CONNECT: parsed from a
/// buffer that may hold more (RFB bytes already sent by the backend), never assuming one read is one
/// message.
/// </summary>
internal sealed record HttpResponseHead(int StatusCode, string ReasonPhrase, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    private static ReadOnlySpan<byte> EndOfHead => "\r\n\r\n"u8;

    /// <summary>
    /// Parses a complete head at the start of <paramref name="buffer"/>. Returns false when the blank line
    /// that ends the head has not arrived yet; <paramref name="consumed"/> is then 0.
    /// </summary>
    /// <exception cref="FormatException">The head is complete but not HTTP/1.x.</exception>
    public static bool TryParse(ReadOnlySpan<byte> buffer, out HttpResponseHead? head, out int consumed)
    {
        head = null;
        consumed = 0;
        var end = buffer.IndexOf(EndOfHead);
        if (end < 0)
        {
            return false;
        }

        // Latin-1 keeps every byte as one char, so a hostile reply cannot produce decoding errors.
        var text = Encoding.Latin1.GetString(buffer[..end]);
        var lines = text.Split("\r\n");
        head = ParseStatusLine(lines[0]) with { Headers = ParseHeaders(lines.AsSpan(1)) };
        consumed = end + EndOfHead.Length;
        return true;
    }

    /// <summary>The first value of a header, by case-insensitive name.</summary>
    public string? this[string name] =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    //  HTTP/1.1 200 OK          (RFC 9112 §4: HTTP-version SP status-code SP [reason-phrase])
    private static HttpResponseHead ParseStatusLine(string line)
    {
        var parts = line.Split(' ', 3);
        if (parts.Length < 2
            || !parts[0].StartsWith("HTTP/1.", StringComparison.Ordinal)
            || parts[0].Length != "HTTP/1.x".Length
            || parts[1].Length != 3
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            throw new FormatException($"not an HTTP/1.x status line: '{Printable(line)}'");
        }

        return new HttpResponseHead(status, parts.Length > 2 ? parts[2] : string.Empty, []);
    }

    private static KeyValuePair<string, string>[] ParseHeaders(ReadOnlySpan<string> lines)
    {
        var headers = new List<KeyValuePair<string, string>>(lines.Length);
        foreach (var line in lines)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new FormatException($"malformed HTTP header line: '{Printable(line)}'");
            }

            headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
        }

        return [.. headers];
    }

    internal static string Printable(string text)
    {
        var shown = text.Length > 80 ? text[..80] + "…" : text;
        return string.Create(shown.Length, shown, static (span, s) =>
        {
            for (var i = 0; i < s.Length; i++)
            {
                span[i] = s[i] is >= ' ' and <= '~' or '…' ? s[i] : '?';
            }
        });
    }
}
