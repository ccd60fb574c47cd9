using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using XcpTunnel.Configuration;
using XcpTunnel.Daemon;
using XcpTunnel.Probes;

namespace XcpTunnel.Health;

/// <summary>
/// <c>GET /</c>: every tunnel at a glance, rendered on the server (<see cref="StatusPageHtml"/>) and refreshed by
/// the browser. The page sits behind the endpoint's own checks (<see cref="HealthAccess.Guard"/>); a tunnel's screen
/// is shown only to those its allow list admits, the rule <c>/snapshot</c> itself applies.
/// </summary>
internal static class StatusPage
{
    /// <summary>How often the browser reloads the page, and with it every thumbnail (one shared probe per tunnel).</summary>
    public static readonly TimeSpan Refresh = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A console that did not answer is shown its reason instead of a broken picture, and asked again only this
    /// often: a page left open costs a dead console one probe (and one warning in the log) a minute, not one a refresh.
    /// </summary>
    public static readonly TimeSpan FailedProbeRetry = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long the first view waits for the probes of tunnels never probed, so it opens with their verdicts (and a
    /// halted VM's reason instead of a broken picture); a console slower than this is shown at the next refresh.
    /// </summary>
    public static readonly TimeSpan FirstProbeWait = TimeSpan.FromSeconds(3);

    public static void Map(WebApplication app, TunnelService tunnels, PoolRegistry pools, ProbeMetrics metrics, TunnelProbes probes)
    {
        ArgumentNullException.ThrowIfNull(app);
        // A RequestDelegate, not a delegate bound by reflection: Native-AOT-clean.
        app.MapGet("/", (RequestDelegate)(async context =>
        {
            await ProbeUnprobedAsync(context, tunnels, metrics, probes).ConfigureAwait(false);
            await WriteAsync(context, tunnels, pools, metrics, TimeProvider.System).ConfigureAwait(false);
        }));
    }

    /// <summary>Probes, shared with any already running, the tunnels with no probe yet that the requester may see.</summary>
    private static async Task ProbeUnprobedAsync(HttpContext context, TunnelService tunnels, ProbeMetrics metrics, TunnelProbes probes)
    {
        var first = tunnels.Listeners
            .Where(l => metrics.LastOf(l.Name) is null && HealthAccess.TunnelRefusal(context, l.Tunnel) is null)
            .Select(l => probes.ProbeAsync(l.Name))
            .OfType<Task<ProbeResult>>()
            .ToList();
        try
        {
            await Task.WhenAll(first).WaitAsync(FirstProbeWait, context.RequestAborted).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Render what is known; the slow probes finish on their own and show at the next refresh.
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            // The daemon is stopping: the probes were cancelled.
        }
    }

    internal static IReadOnlyList<StatusRow> Rows(HttpContext context, TunnelService tunnels, PoolRegistry pools, ProbeMetrics probes, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(tunnels);
        ArgumentNullException.ThrowIfNull(pools);
        ArgumentNullException.ThrowIfNull(probes);
        var listeners = tunnels.Listeners.ToDictionary(l => l.Name, StringComparer.Ordinal);
        return
        [
            .. tunnels.Settings.Tunnels.Select(tunnel =>
            {
                var listener = listeners.GetValueOrDefault(tunnel.Name);
                var (state, listening) = listener is null ? ("not listening: its address could not be bound (see the log)", false)
                    : !listener.IsAccepting ? ("not accepting: stopping", false)
                    : ("listening", true);
                var last = probes.LastOf(tunnel.Name);
                var (thumbnail, noThumbnail) = Thumbnail(context, tunnel, listening, last, now);
                return new StatusRow(
                    tunnel.Name,
                    tunnel.VmDisplay,
                    tunnel.Pool,
                    pools.All.FirstOrDefault(p => p.Options.Name == tunnel.Pool)?.IsLoggedIn ?? false,
                    state,
                    listening,
                    listener?.ActiveConnections ?? 0,
                    listener?.TotalConnections ?? 0,
                    [.. (listener?.EndPoints ?? tunnel.Listen).Select(ViewerCommand.For)],
                    last,
                    thumbnail,
                    noThumbnail);
            }),
        ];
    }

    private static (string? Url, string? Why) Thumbnail(HttpContext context, TunnelSettings tunnel, bool listening, ProbeMetrics.LastProbe? last, DateTimeOffset now)
    {
        if (HealthAccess.TunnelRefusal(context, tunnel) is { } refusal)
        {
            return (null, $"screen not shown: {refusal}");
        }

        if (!listening)
        {
            return (null, "screen not shown: the tunnel is not running");
        }

        if (last is { Result.IsUp: false } && now - last.At < FailedProbeRetry)
        {
            return (null, $"no screen: {last.Result.Reason}");
        }

        return ($"/snapshot/{Uri.EscapeDataString(tunnel.Name)}.png", null);
    }

    /// <summary>What needs someone's attention beyond the cards: VMs that should have a tunnel and have none.</summary>
    internal static IReadOnlyList<string> Notices(TunnelService tunnels) =>
    [
        .. tunnels.AutoTunnels.Where(a => a.Unplaced.Count > 0).Select(a =>
            $"Pools:{a.Pool}:AutoTunnels: {a.Unplaced.Count} VM(s) matching {a.Match} have no tunnel, every port of the range being taken "
            + $"({string.Join(", ", a.Unplaced.Take(10))}{(a.Unplaced.Count > 10 ? ", …" : "")}); widen Ports"),
    ];

    private static Task WriteAsync(HttpContext context, TunnelService tunnels, PoolRegistry pools, ProbeMetrics probes, TimeProvider time)
    {
        var now = time.GetUtcNow();
        var html = StatusPageHtml.Render(Rows(context, tunnels, pools, probes, now), Notices(tunnels), now, Refresh);
        var headers = context.Response.Headers;
        context.Response.ContentType = "text/html; charset=utf-8";
        headers.CacheControl = "no-store";
        // Nothing on the page runs: no script at all, pictures only from here, the one inline style sheet.
        headers.ContentSecurityPolicy = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        headers.XContentTypeOptions = "nosniff";
        return context.Response.WriteAsync(html, context.RequestAborted);
    }
}
