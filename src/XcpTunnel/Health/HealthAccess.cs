using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using XcpTunnel.Access;
using XcpTunnel.Configuration;
using XcpTunnel.Tunnels;

namespace XcpTunnel.Health;

/// <summary>
/// Who may use the health endpoint (docs/access.md): the connecting process's user, from the kernel as for
/// tunnels, against <c>Health:AllowUsers</c>, and against a tunnel's own list for the routes that show its
/// console (<c>/probe</c>, <c>/snapshot</c>); and only requests whose <c>Host</c> names this machine by address
/// or as <c>localhost</c>, so a web page cannot reach the endpoint through DNS rebinding.
/// </summary>
internal static class HealthAccess
{
    private const string PeerItem = "xcptunnel.peer";

    /// <summary>Identifies the peer of every connection the endpoint accepts, once, before any request is read.</summary>
    public static void IdentifyPeers(ListenOptions listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        listen.Use(next => connection =>
        {
            if (connection.Features.Get<IConnectionSocketFeature>()?.Socket is { } socket)
            {
                connection.Items[PeerItem] = PeerCredentials.Identify(socket);
            }

            return next(connection);
        });
    }

    /// <summary>The middleware that refuses foreign <c>Host</c> headers (421) and users the endpoint does not admit (403).</summary>
    public static void Guard(WebApplication app, HealthSettings settings)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(settings);
        app.Use(async (context, next) =>
        {
            if (!IsLocalHost(context.Request.Host))
            {
                await HealthResponses.WriteTextAsync(
                    context,
                    StatusCodes.Status421MisdirectedRequest,
                    $"Host '{context.Request.Host.Value}' is not served here; use an IP address or localhost").ConfigureAwait(false);
                return;
            }

            if (Refusal(context, settings.AllowUsers, settings.AllowRemote, "the health endpoint") is { } refusal)
            {
                await HealthResponses.WriteTextAsync(context, StatusCodes.Status403Forbidden, refusal).ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        });
    }

    /// <summary>Why the requester may not see <paramref name="tunnel"/>'s console, or null.</summary>
    public static string? TunnelRefusal(HttpContext context, TunnelSettings tunnel)
    {
        ArgumentNullException.ThrowIfNull(tunnel);
        return Refusal(context, tunnel.AllowUsers, tunnel.AllowRemote, $"tunnel '{tunnel.Name}'");
    }

    /// <summary>
    /// An IP literal or <c>localhost</c>, any port. A request without <c>Host</c> (HTTP/1.0) is not a browser's, and
    /// DNS rebinding needs a name.
    /// </summary>
    internal static bool IsLocalHost(HostString host)
    {
        if (!host.HasValue)
        {
            return true;
        }

        var name = host.Host;
        return string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase)
            || (name.StartsWith('[') && name.EndsWith(']') && IPAddress.TryParse(name.AsSpan(1, name.Length - 2), out _))
            || (name.Length > 0 && name.All(c => char.IsAsciiDigit(c) || c == '.') && name.Count(c => c == '.') == 3 && IPAddress.TryParse(name, out _));
    }

    private static string? Refusal(HttpContext context, AllowList? allowed, bool allowRemote, string what)
    {
        var peer = context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(PeerItem, out var item) == true && item is PeerIdentity identity
            ? identity
            : PeerIdentity.Unknown(context.Connection.RemoteIpAddress?.ToString() ?? "-", isLocal: false, "no socket to ask the kernel about");
        return ViewerAccess.Refusal(allowed, allowRemote, peer, what);
    }
}
