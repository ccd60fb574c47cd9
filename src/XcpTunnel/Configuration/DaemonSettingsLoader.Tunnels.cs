using System.Net;
using Microsoft.Extensions.Configuration;
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

    private static List<TunnelSettings> ReadTunnels(
        Dictionary<string, TunnelSection?>? sections, TunnelContext context, ConfigDiagnostics diagnostics)
    {
        List<TunnelSettings> tunnels = [];
        foreach (var (name, section) in sections ?? [])
        {
            var key = ConfigurationPath.Combine(nameof(DaemonSection.Tunnels), name);
            var tunnel = CheckName(name, key, "tunnel", diagnostics) ? ReadTunnel(name, key, section ?? new TunnelSection(), context, diagnostics) : null;
            if (tunnel is not null)
            {
                tunnels.Add(tunnel);
            }
        }

        return tunnels;
    }

    /// <summary>A tunnel written under <paramref name="key"/>: an entry of <c>Tunnels</c>, or what a pool's <c>AutoTunnels</c> give each VM.</summary>
    private static TunnelSettings? ReadTunnel(string name, string key, TunnelSection section, TunnelContext context, ConfigDiagnostics diagnostics)
    {
        var options = context.Options;
        var allowRemote = ConfigValues.Flag(section.AllowRemote, false, ConfigurationPath.Combine(key, nameof(TunnelSection.AllowRemote)), diagnostics);
        var listen = ReadListen(section.Listen, allowRemote ?? true, ConfigurationPath.Combine(key, nameof(TunnelSection.Listen)), options, diagnostics);

        string? pool = null;
        var poolKey = ConfigurationPath.Combine(key, nameof(TunnelSection.Pool));
        if (!ConfigValues.IsSet(section.Pool))
        {
            diagnostics.Error(poolKey, "missing; the name of an entry under Pools");
        }
        else if (!context.DeclaredPools.TryGetValue(section.Pool.Trim(), out pool))
        {
            diagnostics.Error(poolKey, $"no pool named '{section.Pool.Trim()}'");
        }

        string? vm = null;
        if (ConfigValues.IsSet(section.Vm))
        {
            vm = section.Vm.Trim();
        }
        else
        {
            diagnostics.Error(ConfigurationPath.Combine(key, nameof(TunnelSection.Vm)), "missing; a VM name-label or UUID");
        }

        var maxConnections = ConfigValues.Integer(
            section.MaxConnections, TunnelSettings.DefaultMaxConnections, 1, ConfigurationPath.Combine(key, nameof(TunnelSection.MaxConnections)), diagnostics);
        var idle = ConfigValues.Seconds(
            section.IdleTimeoutSeconds, TimeSpan.Zero, allowZero: true, ConfigurationPath.Combine(key, nameof(TunnelSection.IdleTimeoutSeconds)), diagnostics);
        var hold = ReadHold(section.HoldSeconds, ConfigurationPath.Combine(key, nameof(TunnelSection.HoldSeconds)), diagnostics);
        var probeKey = ConfigurationPath.Combine(key, nameof(TunnelSection.ProbeIntervalSeconds));
        var probeInterval = ConfigValues.IsSet(section.ProbeIntervalSeconds) ? ReadProbeInterval(section.ProbeIntervalSeconds, probeKey, diagnostics) : null;

        var ownAllowUsers = ReadAllowList(section.AllowUsers, ConfigurationPath.Combine(key, nameof(TunnelSection.AllowUsers)), options, diagnostics);
        var security = ReadViewerSecurity(name, key, section, context.BaseDirectory, context.Environment, diagnostics);
        var allowCleartext = ConfigValues.Flag(section.AllowCleartext, false, ConfigurationPath.Combine(key, nameof(TunnelSection.AllowCleartext)), diagnostics);
        var isUnix = listen?.Endpoints is [System.Net.Sockets.UnixDomainSocketEndPoint];
        var socket = ReadUnixSocket(section, isUnix, key, options, diagnostics, out var socketValid);
        if (listen is not null && security is not null && allowCleartext is false && security.Certificate is null
            && listen.Value.Endpoints.OfType<IPEndPoint>().FirstOrDefault(e => !IPAddress.IsLoopback(e.Address)) is { } exposed)
        {
            // A console is root on the VM: it does not cross a network in clear text unless someone said so.
            diagnostics.Error(
                ConfigurationPath.Combine(key, nameof(TunnelSection.Listen)),
                $"{exposed} is reachable from other hosts and the tunnel has no ViewerTls; add ViewerTls (VeNCrypt) or set \"AllowCleartext\": true");
        }

        return listen is null || allowRemote is null || pool is null || vm is null || maxConnections is null || idle is null || hold is null
               || security is null || allowCleartext is null || !socketValid
            ? null
            : new TunnelSettings(name, pool, vm, listen.Value.Endpoints, listen.Value.Text, allowRemote.Value, maxConnections.Value, idle == TimeSpan.Zero ? null : idle)
            {
                ProbeInterval = probeInterval,
                Hold = hold.Value,
                AllowUsers = section.AllowUsers is null ? context.DefaultAllowUsers : ownAllowUsers,
                ViewerSecurity = security,
                AllowCleartext = allowCleartext.Value,
                UnixSocket = socket,
            };
    }

    private static HealthSettings? ReadHealth(HealthSection section, AllowList? defaultAllowUsers, ConfigLoadOptions options, ConfigDiagnostics diagnostics)
    {
        var allowUsers = ReadAllowList(
            section.AllowUsers, ConfigurationPath.Combine(nameof(DaemonSection.Health), nameof(HealthSection.AllowUsers)), options, diagnostics);
        var allowRemote = ConfigValues.Flag(
            section.AllowRemote, false, ConfigurationPath.Combine(nameof(DaemonSection.Health), nameof(HealthSection.AllowRemote)), diagnostics);
        var listenKey = ConfigurationPath.Combine(nameof(DaemonSection.Health), nameof(HealthSection.Listen));
        var listen = ReadListen(
            ConfigValues.IsSet(section.Listen) ? section.Listen : HealthSettings.DefaultListen, allowRemote ?? true, listenKey, options, diagnostics);
        if (listen?.Endpoints is [System.Net.Sockets.UnixDomainSocketEndPoint])
        {
            diagnostics.Error(listenKey, "the health endpoint listens on TCP only (host:port)");
            listen = null;
        }

        var probeInterval = ReadProbeInterval(
            section.ProbeIntervalSeconds, ConfigurationPath.Combine(nameof(DaemonSection.Health), nameof(HealthSection.ProbeIntervalSeconds)), diagnostics);

        return listen is null || allowRemote is null || probeInterval is null
            ? null
            : new HealthSettings(listen.Value.Endpoints, listen.Value.Text, allowRemote.Value)
            {
                ProbeInterval = probeInterval.Value,
                AllowUsers = section.AllowUsers is null ? defaultAllowUsers : allowUsers,
            };
    }

    /// <summary>
    /// 0 (off) or whole seconds ≥ <see cref="Probes.ProbeSchedule.MinimumInterval"/>: each probe logs in (once,
    /// shared), resolves the VM and opens a console, which a pool should not see every second.
    /// </summary>
    private static TimeSpan? ReadProbeInterval(string? text, string key, ConfigDiagnostics diagnostics)
    {
        var seconds = ConfigValues.Integer(text, 0, 0, key, diagnostics);
        var minimum = (int)Probes.ProbeSchedule.MinimumInterval.TotalSeconds;
        if (seconds is > 0 && seconds < minimum)
        {
            diagnostics.Error(key, $"{seconds} is too often; 0 (off) or at least {minimum} seconds");
            return null;
        }

        return seconds is null ? null : TimeSpan.FromSeconds(seconds.Value);
    }

    // allowRemote is true when that flag itself is invalid, so only its own error is reported.
    private static (ValueList<EndPoint> Endpoints, string Text)? ReadListen(
        string? text, bool allowRemote, string key, ConfigLoadOptions options, ConfigDiagnostics diagnostics) =>
        ListenAddress.Read(text, allowRemote, "set \"AllowRemote\": true", options.ResolveHost, key, diagnostics);

    /// <summary>Two listeners that would fight over a port: the same endpoint, or a wildcard and an address of its family.</summary>
    private static void CheckListenConflicts(IReadOnlyList<TunnelSettings> tunnels, HealthSettings? health, ConfigDiagnostics diagnostics)
    {
        List<(string Key, IReadOnlyList<EndPoint> Endpoints)> listeners =
            [.. tunnels.Select(t => (ConfigurationPath.Combine(nameof(DaemonSection.Tunnels), t.Name, nameof(TunnelSection.Listen)), t.Listen))];
        if (health is not null)
        {
            listeners.Add((ConfigurationPath.Combine(nameof(DaemonSection.Health), nameof(HealthSection.Listen)), health.Listen));
        }

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
    private static TimeSpan? ReadHold(string? text, string key, ConfigDiagnostics diagnostics)
    {
        var hold = ConfigValues.Seconds(text, TunnelSettings.DefaultHold, allowZero: true, key, diagnostics);
        if (hold > TunnelSettings.MaxHold)
        {
            diagnostics.Error(key, $"{hold.Value.TotalSeconds:0} seconds is too long to hold a viewer (at most {TunnelSettings.MaxHold.TotalSeconds:0})");
            return null;
        }

        return hold;
    }
}
