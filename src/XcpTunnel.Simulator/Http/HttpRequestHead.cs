using System.Globalization;
using System.Text;

namespace XcpTunnel.Simulator.Http;

/// <summary>
/// A parsed request head, read the way xapi's http_svr.ml reads it: lines split on LF, the request line split on
/// whitespace into exactly three fields, header names lower-cased, values trimmed, HTTP/1.0 means close unless a
/// <c>Connection</c> header says otherwise.
/// </summary>
internal sealed class HttpRequestHead
{
    private HttpRequestHead(string method, string path, List<KeyValuePair<string, string>> query, string version, string requestLine)
    {
        RequestLine = requestLine;
        Method = method;
        Path = path;
        Query = query;
        Version = version;
        Close = version == "1.0";
    }

    public string Method { get; }

    /// <summary>The request line as sent (target and query included), what http_svr.ml writes to xensource.log.</summary>
    public string RequestLine { get; }

    /// <summary>The percent-decoded path (<c>/console</c>, <c>/jsonrpc</c> …).</summary>
    public string Path { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Query { get; }

    /// <summary>What follows <c>HTTP/</c> on the request line (<c>1.0</c>, <c>1.1</c>).</summary>
    public string Version { get; }

    /// <summary>The version xapi answers with: 1.0 for a 1.0 request, 1.1 otherwise.</summary>
    public string ReplyVersion => Version == "1.0" ? "1.0" : "1.1";

    /// <summary>Whether the connection closes after this request.</summary>
    public bool Close { get; private set; }

    public long? ContentLength { get; private set; }

    public string? TransferEncoding { get; private set; }

    /// <summary>Cookies as xapi splits them: on <c>;</c>, then on the first <c>=</c>, without trimming.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Cookies { get; private set; } = [];

    public string? QueryValue(string name) => Query.FirstOrDefault(p => p.Key == name).Value;

    public string? CookieValue(string name) => Cookies.FirstOrDefault(p => p.Key == name).Value;

    /// <summary>
    /// What xapi's HTTP server logs for this request at debug level: the request line as sent, query string and all,
    /// and the cookies with their values filtered.
    /// </summary>
    public string LogLine =>
        Cookies.Count == 0 ? RequestLine : RequestLine + " cookie: " + string.Join("; ", Cookies.Select(c => c.Key + "=(value filtered)"));

    /// <summary>Parses a head (request line through the blank line); null when xapi would call it a parse failure.</summary>
    public static HttpRequestHead? TryParse(ReadOnlySpan<byte> bytes)
    {
        // Latin-1 keeps one char per byte, so nothing is lost before percent-decoding.
        string text = Encoding.Latin1.GetString(bytes);
        string[] lines = text.Split('\n');
        string[] fields = lines[0].Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 3 || !fields[2].StartsWith("HTTP/", StringComparison.Ordinal))
        {
            return null;
        }

        string target = fields[1];
        int q = target.IndexOf('?', StringComparison.Ordinal);
        string rawPath = q < 0 ? target : target[..q];
        if (rawPath.Length == 0)
        {
            return null;
        }

        var head = new HttpRequestHead(
            fields[0], PercentDecode(rawPath), q < 0 ? [] : ParsePairs(target[(q + 1)..], '&'), fields[2]["HTTP/".Length..], string.Join(' ', fields));
        for (int i = 1; i < lines.Length; i++)
        {
            string line = lines[i];
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                break;
            }

            string name = line[..colon].ToLowerInvariant();
            string value = line[(colon + 1)..].Trim();
            switch (name)
            {
                case "content-length":
                    if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long length))
                    {
                        return null;
                    }

                    head.ContentLength = length;
                    break;
                case "transfer-encoding":
                    head.TransferEncoding = value;
                    break;
                case "cookie":
                    head.Cookies = value.Split(';').Select(SplitCookie).ToList();
                    break;
                case "connection" when value.Equals("close", StringComparison.OrdinalIgnoreCase):
                    head.Close = true;
                    break;
                case "connection" when value.Equals("keep-alive", StringComparison.OrdinalIgnoreCase):
                    head.Close = false;
                    break;
            }
        }

        return head;
    }

    private static KeyValuePair<string, string> SplitCookie(string cookie)
    {
        int eq = cookie.IndexOf('=', StringComparison.Ordinal);
        return eq < 0 ? new(PercentDecode(cookie), "") : new(PercentDecode(cookie[..eq]), PercentDecode(cookie[(eq + 1)..]));
    }

    private static List<KeyValuePair<string, string>> ParsePairs(string text, char separator) =>
        text.Split(separator, StringSplitOptions.RemoveEmptyEntries)
            .Select(pair =>
            {
                int eq = pair.IndexOf('=', StringComparison.Ordinal);
                return eq < 0
                    ? new KeyValuePair<string, string>(PercentDecode(pair), "")
                    : new KeyValuePair<string, string>(PercentDecode(pair[..eq]), PercentDecode(pair[(eq + 1)..]));
            })
            .ToList();

    // Like OCaml's Uri: %XX is decoded, '+' stays a '+'.
    private static string PercentDecode(string s) =>
        s.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(s) : s;
}
