using System.Net;
using XcpTunnel.Access;
using XcpTunnel.Protocol;

namespace XcpTunnel.Configuration;

internal static partial class DaemonSettingsLoader
{
    /// <summary>What every tunnel is read against: the pools declared, the access default, where relative paths start.</summary>
    private sealed record TunnelContext(
        IReadOnlyDictionary<string, string> DeclaredPools,
        AllowList? DefaultAllowUsers,
        string BaseDirectory,
        IReadOnlyDictionary<string, string?> Environment,
        ConfigLoadOptions Options);

    /// <summary>An entry of <c>Tunnels</c>.</summary>
    private static TunnelSettings? ReadTunnel(string name, ConfigSection section, TunnelContext context)
    {
        var listen = section.Text("Listen") ?? string.Empty;
        string? pool = null;
        if (section.Required("Pool", "the name of an entry under Pools") is { } poolText && !context.DeclaredPools.TryGetValue(poolText, out pool))
        {
            section.Error("Pool", $"no pool named '{poolText}'");
        }

        var vm = section.Required("Vm", "a VM name-label or UUID");
        return ReadTunnel(name, section, listen, pool, vm, context);
    }

    /// <summary>
    /// The keys a tunnel has for its viewers, in an entry of <c>Tunnels</c> or a pool's <c>AutoTunnels</c>, with its
    /// <paramref name="listen"/> address, <paramref name="pool"/> and <paramref name="vm"/> read by the caller (each
    /// null after its error was reported).
    /// </summary>
    private static TunnelSettings? ReadTunnel(string name, ConfigSection section, string? listen, string? pool, string? vm, TunnelContext context)
    {
        var options = context.Options;
        var allowRemote = section.Flag("AllowRemote");
        var maxConnections = section.Integer("MaxConnections", TunnelSettings.DefaultMaxConnections, 1);
        var idle = section.Seconds("IdleTimeoutSeconds", TimeSpan.Zero, allowZero: true);
        var hold = ReadHold(section);
        var probeInterval = section.Text("ProbeIntervalSeconds") is null ? null : ReadProbeInterval(section);
        var allowUsers = ReadAllowList(section, options);
        var security = ReadViewerSecurity(name, section, context);
        var allowCleartext = section.Flag("AllowCleartext");

        var endpoints = listen is null ? null : ReadListen(section, listen, allowRemote, options);
        var isUnix = endpoints?.Endpoints is [System.Net.Sockets.UnixDomainSocketEndPoint];
        var socket = ReadUnixSocket(section, isUnix, options, out var socketValid);
        if (endpoints is { } bound && security is not null && allowCleartext is false && security.Certificate is null
            && bound.Endpoints.OfType<IPEndPoint>().FirstOrDefault(e => !IPAddress.IsLoopback(e.Address)) is { } exposed)
        {
            // A console is root on the VM: it does not cross a network in clear text unless someone said so.
            section.Error(
                "Listen", $"{exposed} is reachable from other hosts and the tunnel has no ViewerTls; add ViewerTls (VeNCrypt) or set \"AllowCleartext\": true");
        }

        return endpoints is null || allowRemote is null || pool is null || vm is null || maxConnections is null || idle is null || hold is null
               || security is null || allowCleartext is null || !socketValid
            ? null
            : new TunnelSettings(name, pool, vm, endpoints.Value.Endpoints, endpoints.Value.Text, allowRemote.Value, maxConnections.Value, idle == TimeSpan.Zero ? null : idle)
            {
                ProbeInterval = probeInterval,
                Hold = hold.Value,
                AllowUsers = allowUsers.Written ? allowUsers.List : context.DefaultAllowUsers,
                ViewerSecurity = security,
                AllowCleartext = allowCleartext.Value,
                UnixSocket = socket,
            };
    }

    private static HealthSettings? ReadHealth(ConfigSection section, AllowList? defaultAllowUsers, ConfigLoadOptions options)
    {
        var allowUsers = ReadAllowList(section, options);
        var allowRemote = section.Flag("AllowRemote");
        var listen = ReadListen(section, section.Text("Listen") ?? HealthSettings.DefaultListen, allowRemote, options);
        if (listen?.Endpoints is [System.Net.Sockets.UnixDomainSocketEndPoint])
        {
            section.Error("Listen", "the health endpoint listens on TCP only (host:port)");
            listen = null;
        }

        var probeInterval = ReadProbeInterval(section);
        return listen is null || allowRemote is null || probeInterval is null
            ? null
            : new HealthSettings(listen.Value.Endpoints, listen.Value.Text, allowRemote.Value)
            {
                ProbeInterval = probeInterval.Value,
                AllowUsers = allowUsers.Written ? allowUsers.List : defaultAllowUsers,
            };
    }

    /// <summary>
    /// 0 (off) or whole seconds ≥ <see cref="Probes.ProbeSchedule.MinimumInterval"/>: each probe logs in (once,
    /// shared), resolves the VM and opens a console, which a pool should not see every second.
    /// </summary>
    private static TimeSpan? ReadProbeInterval(ConfigSection section)
    {
        var interval = section.Seconds("ProbeIntervalSeconds", TimeSpan.Zero, allowZero: true);
        var minimum = Probes.ProbeSchedule.MinimumInterval;
        if (interval > TimeSpan.Zero && interval < minimum)
        {
            section.Error("ProbeIntervalSeconds", $"{interval.Value.TotalSeconds} is too often; 0 (off) or at least {minimum.TotalSeconds} seconds");
            return null;
        }

        return interval;
    }

    // allowRemote is true when that flag itself is invalid, so only its own error is reported.
    private static (ValueList<EndPoint> Endpoints, string Text)? ReadListen(ConfigSection section, string text, bool? allowRemote, ConfigLoadOptions options) =>
        ListenAddress.Read(text, allowRemote ?? true, "set \"AllowRemote\": true", options.ResolveHost, section.Key("Listen"), section.Diagnostics);

    /// <summary>Two listeners that would fight over a port: the same endpoint, or a wildcard and an address of its family.</summary>
    private static void CheckListenConflicts(IReadOnlyList<TunnelSettings> tunnels, HealthSettings? health, ConfigDiagnostics diagnostics)
    {
        var listeners = Listeners(tunnels, health);
        for (var i = 1; i < listeners.Count; i++)
        {
            for (var j = 0; j < i; j++)
            {
                var clash = listeners[i].Endpoints.FirstOrDefault(a => listeners[j].Endpoints.Any(b => Overlap(a, b)));
                if (clash is not null)
                {
                    diagnostics.Error(listeners[i].Key, $"{clash} is already used by {listeners[j].Key}");
                    break;
                }
            }
        }
    }

    /// <summary>Every hand-written listener with its key: the tunnels' and the health endpoint's.</summary>
    private static List<(string Key, IReadOnlyList<EndPoint> Endpoints)> Listeners(IReadOnlyList<TunnelSettings> tunnels, HealthSettings? health)
    {
        List<(string Key, IReadOnlyList<EndPoint> Endpoints)> listeners = [.. tunnels.Select(t => ($"Tunnels:{t.Name}:Listen", (IReadOnlyList<EndPoint>)t.Listen))];
        if (health is not null)
        {
            listeners.Add(("Health:Listen", health.Listen));
        }

        return listeners;
    }

    /// <summary>Whether binding both could collide on some port: the same address, or a wildcard and an address of its family.</summary>
    private static bool SameAddress(IPEndPoint a, IPEndPoint b) => Overlap(new IPEndPoint(a.Address, 1), new IPEndPoint(b.Address, 1));

    private static bool Overlap(EndPoint a, EndPoint b) => (a, b) switch
    {
        (IPEndPoint x, IPEndPoint y) => x.Port == y.Port
            && (x.Address.Equals(y.Address) || (x.AddressFamily == y.AddressFamily && (IsWildcard(x.Address) || IsWildcard(y.Address)))),
        (System.Net.Sockets.UnixDomainSocketEndPoint x, System.Net.Sockets.UnixDomainSocketEndPoint y) => x.Equals(y),
        _ => false,
    };

    private static bool IsWildcard(IPAddress address) =>
        address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

    /// <summary><c>HoldSeconds</c>: zero turns holding off; at most <see cref="TunnelSettings.MaxHold"/>.</summary>
    private static TimeSpan? ReadHold(ConfigSection section)
    {
        var hold = section.Seconds("HoldSeconds", TunnelSettings.DefaultHold, allowZero: true);
        if (hold > TunnelSettings.MaxHold)
        {
            section.Error("HoldSeconds", $"{hold.Value.TotalSeconds:0} seconds is too long to hold a viewer (at most {TunnelSettings.MaxHold.TotalSeconds:0})");
            return null;
        }

        return hold;
    }
}
