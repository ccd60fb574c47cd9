using System.Globalization;
using System.Net;
using System.Text;

namespace XcpTunnel.Simulator.Http;

/// <summary>
/// xapi's replies, byte for byte (http.ml <c>Response.to_wire_string</c>, http_svr.ml <c>response_error_html</c>,
/// console.ml). Header order is xapi's: status line, Content-Length, then Content-Type, Connection, Cache-Control,
/// then the extra headers.
/// </summary>
internal static class HttpResponses
{
    /// <summary>
    /// The realm xapi names in a 401 from <c>/console</c>: assert_credentials_ok raises <c>Unauthorised</c> with the
    /// HTTP action's name (<c>connect_console</c>), not a fixed "xapi".
    /// </summary>
    public const string ConsoleRealm = "connect_console";

    /// <summary>console.ml <c>Http.http_200_ok ()</c>: always HTTP/1.1 and keep-alive, whatever the request said.</summary>
    public static ReadOnlySpan<byte> ConnectOk => "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nCache-Control: no-cache, no-store\r\n\r\n"u8;

    /// <summary>console.ml <c>Http.http_404_missing ()</c>: the backend has no port. No body, no Content-Length.</summary>
    public static ReadOnlySpan<byte> ConnectNotFound => "HTTP/1.1 404 Not Found\r\nConnection: close\r\nCache-Control: no-cache, no-store\r\n\r\n"u8;

    public static byte[] Unauthorised(string version) => ErrorHtml(version, 401, "Unauthorised",
        "<html><body><h1>HTTP 401 unauthorised</h1>Please check your credentials and retry.</body></html>",
        "WWW-Authenticate: Basic realm=\"" + ConsoleRealm + "\"\r\n");

    public static byte[] Forbidden(string version) => ErrorHtml(version, 403, "Forbidden",
        "<html><body><h1>HTTP 403 forbidden</h1>Access to the requested resource is forbidden.</body></html>");

    public static byte[] InternalError(string version, string? extra = null) => ErrorHtml(version, 500, "Internal Error",
        "<html><body><h1>HTTP 500 internal server error</h1>An unexpected error occurred; please wait a while and try again. " +
        "If the problem persists, please contact your support representative." +
        (extra is null ? "" : "<h1> Additional information </h1>" + WebUtility.HtmlEncode(extra)) + "</body></html>");

    public static byte[] RequestTimeout() => ErrorHtml("1.1", 408, "Request Timeout",
        "<html><body><h1>HTTP 408 request timeout</h1>Timed out waiting for the request.</body></html>");

    public static byte[] HeaderFieldsTooLarge() => ErrorHtml("1.1", 431, "Request Header Fields Too Large",
        "<html><body><h1>HTTP 431 request header fields too large</h1>Exceeded the maximum header size.</body></html>");

    public static byte[] ConnectionLimitExceeded(string version, IReadOnlyList<string> users)
    {
        string who = users.Count == 1
            ? "User '" + WebUtility.HtmlEncode(users[0]) + "' is"
            : "Users '" + string.Join(", ", users.Select(WebUtility.HtmlEncode)) + "' are";
        return ErrorHtml(version, 503, "Connection Limit Exceeded",
            "<html><body><h1>Connection Limit Exceeded</h1><p>" + who + " currently connected to this console. " +
            "No new connections are allowed. Please check the limit_console_sessions config and try again later.</p></body></html>");
    }

    public static byte[] MethodNotImplemented(string version, string method) => ErrorHtml(version, 501, "Method not implemented",
        "<html><body><h1>HTTP 501 Method Not Implemented</h1><p>" + WebUtility.HtmlEncode(method) + " not supported.<br /></p></body></html>");

    /// <summary>http_svr.ml <c>response_missing</c>: an unknown path (or a transport the host has disabled).</summary>
    public static byte[] NotFound() => Latin1("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\nCache-Control: no-cache, no-store\r\n\r\n");

    /// <summary>A request body without Content-Length (e.g. chunked): xapi requires the header.</summary>
    public static byte[] LengthRequired(string version) => ErrorHtml(version, 411, "Length Required",
        "<html><body><h1>HTTP 411 length required</h1>We require a content-length: HTTP header.</body></html>");

    public static byte[] PayloadTooLarge(string version) => ErrorHtml(version, 413, "Request Entity Too Large",
        "<html><body><h1>HTTP 413 request entity too large</h1>The request body exceeds the limit.</body></html>");

    /// <summary>A generic error for a status injected by <see cref="SimulatedFaults.FailNextConnects"/>.</summary>
    public static byte[] ForStatus(int status, string version) => status switch
    {
        401 => Unauthorised(version),
        403 => Forbidden(version),
        404 => ConnectNotFound.ToArray(),
        500 => InternalError(version),
        503 => ConnectionLimitExceeded(version, ["someone"]),
        _ => ErrorHtml(version, status, "Error", "<html><body><h1>HTTP " + status.ToString(CultureInfo.InvariantCulture) + "</h1></body></html>"),
    };

    /// <summary>http_svr.ml <c>response_str</c>: an RPC reply.</summary>
    public static byte[] RpcOk(HttpRequestHead request, string contentType, byte[] body)
    {
        string head = "HTTP/" + request.ReplyVersion + " 200 OK\r\n" +
            "Content-Length: " + body.Length.ToString(CultureInfo.InvariantCulture) + "\r\n" +
            "Connection: " + (request.Close ? "close" : "keep-alive") + "\r\n" +
            "Cache-Control: no-cache, no-store\r\n" +
            "Content-Type: " + contentType + "\r\n\r\n";
        byte[] result = new byte[Encoding.Latin1.GetByteCount(head) + body.Length];
        int n = Encoding.Latin1.GetBytes(head, result);
        body.CopyTo(result, n);
        return result;
    }

    private static byte[] ErrorHtml(string version, int code, string reason, string body, string extraHeaders = "")
    {
        byte[] bodyBytes = Encoding.UTF8.GetBytes(body);
        string head = "HTTP/" + version + " " + code.ToString(CultureInfo.InvariantCulture) + " " + reason + "\r\n" +
            "Content-Length: " + bodyBytes.Length.ToString(CultureInfo.InvariantCulture) + "\r\n" +
            "Content-Type: text/html\r\n" +
            "Connection: close\r\n" +
            "Cache-Control: no-cache, no-store\r\n" +
            extraHeaders + "\r\n";
        return [.. Latin1(head), .. bodyBytes];
    }

    private static byte[] Latin1(string s) => Encoding.Latin1.GetBytes(s);
}
