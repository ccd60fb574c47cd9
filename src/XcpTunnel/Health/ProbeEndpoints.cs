using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using XcpTunnel.Daemon;
using XcpTunnel.Imaging;
using XcpTunnel.Probes;

namespace XcpTunnel.Health;

/// <summary>
/// <c>GET /probe/{tunnel}</c> (the probe's JSON: 200 when the console answered, 503 when not) and
/// <c>GET /snapshot/{tunnel}.png</c>; 404 with the reason for a tunnel that does not run.
/// Both run a probe now, shared with any probe of that tunnel already running.
/// </summary>
internal static class ProbeEndpoints
{
    public static void Map(WebApplication app, TunnelProbes probes, TunnelService tunnels)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(probes);
        ArgumentNullException.ThrowIfNull(tunnels);
        // RequestDelegate handlers: no reflection-bound parameters, so the app stays Native-AOT-clean.
        app.MapGet("/probe/{tunnel}", (RequestDelegate)(context => WriteProbeAsync(context, probes, tunnels)));
        app.MapGet("/snapshot/{tunnel}.png", (RequestDelegate)(context => WriteSnapshotAsync(context, probes, tunnels)));
    }

    private static async Task WriteProbeAsync(HttpContext context, TunnelProbes probes, TunnelService tunnels)
    {
        var tunnel = TunnelOf(context);
        if (await RefusedAsync(context, tunnels, tunnel).ConfigureAwait(false))
        {
            return;
        }

        if (probes.ProbeAsync(tunnel) is not { } probe)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await HealthResponses.WriteJsonAsync(context, new ProbeError($"no tunnel named '{tunnel}'"), ProbeJsonContext.Readable.ProbeError).ConfigureAwait(false);
            return;
        }

        var result = await probe.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = result.IsUp ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        await HealthResponses.WriteJsonAsync(context, ProbeReport.Of(result), ProbeJsonContext.Readable.ProbeReport).ConfigureAwait(false);
    }

    private static async Task WriteSnapshotAsync(HttpContext context, TunnelProbes probes, TunnelService tunnels)
    {
        var tunnel = TunnelOf(context);
        if (await RefusedAsync(context, tunnels, tunnel).ConfigureAwait(false))
        {
            return;
        }

        if (probes.ProbeAsync(tunnel) is not { } probe)
        {
            await HealthResponses.WriteTextAsync(context, StatusCodes.Status404NotFound, $"no tunnel named '{tunnel}'").ConfigureAwait(false);
            return;
        }

        var result = await probe.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        if (result.Screen is not { } screen)
        {
            await HealthResponses.WriteTextAsync(context, StatusCodes.Status503ServiceUnavailable, result.Reason).ConfigureAwait(false);
            return;
        }

        var png = PngEncoder.Encode(screen.Width, screen.Height, screen.Framebuffer.Pixels);
        context.Response.ContentType = "image/png";
        // A console's screen is news, not a document: never serve yesterday's from a cache.
        context.Response.Headers.CacheControl = "no-store";
        context.Response.ContentLength = png.Length;
        await context.Response.Body.WriteAsync(png, context.RequestAborted).ConfigureAwait(false);
    }

    // A probe shows the console's screen: only those who may open the tunnel may see it.
    private static async Task<bool> RefusedAsync(HttpContext context, TunnelService tunnels, string name)
    {
        if (tunnels.FindTunnel(name) is not { } tunnel || HealthAccess.TunnelRefusal(context, tunnel) is not { } refusal)
        {
            return false;
        }

        await HealthResponses.WriteTextAsync(context, StatusCodes.Status403Forbidden, refusal).ConfigureAwait(false);
        return true;
    }

    private static string TunnelOf(HttpContext context) => context.Request.RouteValues["tunnel"] as string ?? string.Empty;
}
