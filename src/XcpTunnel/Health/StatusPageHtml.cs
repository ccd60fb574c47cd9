using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using XcpTunnel.Probes;

namespace XcpTunnel.Health;

/// <summary>
/// The status page's HTML: one card per tunnel with its screen, plain markup and one style sheet, no script. Every
/// value from the configuration, the pool or a console is HTML-encoded: a VM may be called anything.
/// </summary>
internal static class StatusPageHtml
{
    /// <summary>Thumbnails are the console's screen scaled to this width, so a row of cards fits a laptop.</summary>
    public const int ThumbnailWidth = 320;

    // Status colours kept away from the test card's saturated bars, so a screenshot tells the two apart.
    private const string Style = """
        :root { color-scheme: light; font-family: system-ui, sans-serif; color: #1f2328; background: #f4f5f7; }
        body { margin: 0 auto; max-width: 1400px; padding: 16px 24px; }
        header h1 { font-size: 22px; margin: 0 0 4px; }
        header p, footer { color: #57606a; font-size: 13px; margin: 0 0 16px; }
        main { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 16px; }
        article { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 10px; }
        article h2 { font-size: 17px; margin: 8px 0 6px; }
        .screen { width: 320px; min-height: 120px; background: #e9ebee; border-radius: 4px; display: flex; align-items: center; justify-content: center; }
        .screen img { display: block; width: 320px; height: auto; border-radius: 4px; }
        .screen p { color: #57606a; font-size: 13px; padding: 12px; margin: 0; }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; font-size: 13px; margin: 0 0 8px; }
        dt { color: #57606a; }
        dd { margin: 0; overflow-wrap: anywhere; }
        code { display: block; font-size: 13px; background: #eef0f3; padding: 5px 7px; border-radius: 4px; margin-top: 4px; user-select: all; }
        .badge { display: inline-block; padding: 0 6px; border-radius: 9px; font-size: 12px; font-weight: 600; color: #fff; background: #6e7781; }
        .ok { background: #2f7d4f; } .warning { background: #9a6700; } .critical { background: #b33a3a; }
        header p.notice { color: #9a6700; font-weight: 600; }
        footer { margin-top: 20px; }
        footer a { color: #3b5b8c; }
        """;

    public static string Render(IReadOnlyList<StatusRow> rows, IReadOnlyList<string> notices, DateTimeOffset now, TimeSpan refresh)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(notices);
        var html = new StringBuilder();
        var viewers = rows.Sum(r => r.Viewers);
        var summary = Invariant($"{rows.Count} tunnel{Plural(rows.Count)}, {viewers} viewer{Plural(viewers)} connected · {Time(now)} · refreshed every {refresh.TotalSeconds:0} s");
        html.Append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append(Invariant($"<meta http-equiv=\"refresh\" content=\"{refresh.TotalSeconds:0}\">\n"))
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>xcptunnel: ").Append(Encode(Invariant($"{rows.Count} tunnel{Plural(rows.Count)}"))).Append("</title>\n")
            .Append("<style>\n").Append(Style).Append("</style>\n</head>\n<body>\n")
            .Append("<header><h1>xcptunnel</h1><p>").Append(Encode(summary)).Append("</p>");
        foreach (var notice in notices)
        {
            html.Append("<p class=\"notice\">").Append(Encode(notice)).Append("</p>");
        }

        html.Append("</header>\n<main>\n");
        if (rows.Count == 0)
        {
            html.Append("<p>No tunnels are configured.</p>\n");
        }

        foreach (var row in rows)
        {
            AppendCard(html, row, now);
        }

        html.Append("</main>\n<footer>The same as JSON: <a href=\"/tunnels\">/tunnels</a> · Prometheus: <a href=\"/metrics\">/metrics</a> · ")
            .Append("health: <a href=\"/healthz\">/healthz</a></footer>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void AppendCard(StringBuilder html, StatusRow row, DateTimeOffset now)
    {
        html.Append("<article id=\"tunnel-").Append(Encode(row.Tunnel)).Append("\">\n<div class=\"screen\">");
        if (row.Thumbnail is { } url)
        {
            html.Append("<img src=\"").Append(Encode(url)).Append("\" alt=\"").Append(Encode($"screen of {row.Vm}"))
                .Append(Invariant($"\" width=\"{ThumbnailWidth}\">"));
        }
        else
        {
            html.Append("<p>").Append(Encode(row.NoThumbnail ?? string.Empty)).Append("</p>");
        }

        html.Append("</div>\n<h2>").Append(Encode(row.Tunnel)).Append("</h2>\n<dl>\n");
        Field(html, "VM", Encode(row.Vm));
        Field(html, "Pool", Encode(row.Pool) + (row.PoolLoggedIn ? " (logged in)" : " (no session yet)"));
        Field(html, "State", row.Listening ? Badge("ok", row.State) : Badge("critical", "down") + " " + Encode(row.State));
        Field(html, "Viewers", Encode(Invariant($"{row.Viewers} now, {row.TotalViewers} since start")));
        Field(html, "Last probe", LastProbe(row.LastProbe, now));
        html.Append("</dl>\n");
        foreach (var command in row.ViewerCommands)
        {
            html.Append("<code>").Append(Encode(command)).Append("</code>\n");
        }

        html.Append("</article>\n");
    }

    private static string LastProbe(ProbeMetrics.LastProbe? last, DateTimeOffset now)
    {
        if (last is null)
        {
            return "none yet";
        }

        var status = last.Result.Status;
        var ago = Math.Max(0, (now - last.At).TotalSeconds);
        return Badge(status.MetricLabel(), status.Label()) + " " + Encode(last.Result.Reason)
            + " · " + Encode(Invariant($"{Time(last.At)} ({ago:0} s ago)"));
    }

    private static void Field(StringBuilder html, string name, string encodedValue) =>
        html.Append("<dt>").Append(name).Append("</dt><dd>").Append(encodedValue).Append("</dd>\n");

    private static string Badge(string kind, string text) => $"<span class=\"badge {kind}\">{Encode(text)}</span>";

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static string Encode(string text) => HtmlEncoder.Default.Encode(text);

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    private static string Plural(int n) => n == 1 ? string.Empty : "s";
}
