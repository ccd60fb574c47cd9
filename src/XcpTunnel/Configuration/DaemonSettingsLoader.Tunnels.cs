using System.Net;
using Microsoft.Extensions.Configuration;

namespace XcpTunnel.Configuration;

internal static partial class DaemonSettingsLoader
{
    private static List<TunnelSettings> ReadTunnels(
        Dictionary<string, TunnelSection?>? sections,
        IReadOnlyDictionary<string, string> declaredPools,
        ConfigLoadOptions options,
        ConfigDiagnostics diagnostics)
    {
        List<TunnelSettings> tunnels = [];
        if (sections is null or { Count: 0 })
        {
            if (options.RequireTunnels)
            {
                diagnostics.Error(nameof(DaemonSection.Tunnels), "no tunnel configured");
            }

            return tunnels;
        }

        foreach (var (name, section) in sections)
        {
            var tunnel = ReadTunnel(name, section ?? new TunnelSection(), declaredPools, options, diagnostics);
            if (tunnel is not null)
            {
                tunnels.Add(tunnel);
            }
        }

        return tunnels;
    }

    private static TunnelSettings? ReadTunnel(
        string name,
        TunnelSection section,
        IReadOnlyDictionary<string, string> declaredPools,
        ConfigLoadOptions options,
        ConfigDiagnostics diagnostics)
    {
        var key = ConfigurationPath.Combine(nameof(DaemonSection.Tunnels), name);
        if (!CheckName(name, key, "tunnel", diagnostics))
        {
            return null;
        }

        var allowRemote = ConfigValues.Flag(section.AllowRemote, false, ConfigurationPath.Combine(key, nameof(TunnelSection.AllowRemote)), diagnostics);
        var listen = ReadListen(section.Listen, allowRemote ?? true, ConfigurationPath.Combine(key, nameof(TunnelSection.Listen)), options, diagnostics);

        string? pool = null;
        var poolKey = ConfigurationPath.Combine(key, nameof(TunnelSection.Pool));
        if (!ConfigValues.IsSet(section.Pool))
        {
            diagnostics.Error(poolKey, "missing; the name of an entry under Pools");
        }
        else if (!declaredPools.TryGetValue(section.Pool.Trim(), out pool))
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
        var probeKey = ConfigurationPath.Combine(key, nameof(TunnelSection.ProbeIntervalSeconds));
        var probeInterval = ConfigValues.IsSet(section.ProbeIntervalSeconds) ? ReadProbeInterval(section.ProbeIntervalSeconds, probeKey, diagnostics) : null;

        return listen is null || allowRemote is null || pool is null || vm is null || maxConnections is null || idle is null
            ? null
            : new TunnelSettings(name, pool, vm, listen.Value.Endpoints, listen.Value.Text, allowRemote.Value, maxConnections.Value, idle == TimeSpan.Zero ? null : idle)
            {
                ProbeInterval = probeInterval,
            };
    }

    private static HealthSettings? ReadHealth(HealthSection section, ConfigLoadOptions options, ConfigDiagnostics diagnostics)
    {
        var allowRemote = ConfigValues.Flag(
            section.AllowRemote, false, ConfigurationPath.Combine(nameof(DaemonSection.Health), nameof(HealthSection.AllowRemote)), diagnostics);
        var listen = ReadListen(
            ConfigValues.IsSet(section.Listen) ? section.Listen : HealthSettings.DefaultListen,
            allowRemote ?? true,
            ConfigurationPath.Combine(nameof(DaemonSection.Health), nameof(HealthSection.Listen)),
            options,
            diagnostics);

        var probeInterval = ReadProbeInterval(
            section.ProbeIntervalSeconds, ConfigurationPath.Combine(nameof(DaemonSection.Health), nameof(HealthSection.ProbeIntervalSeconds)), diagnostics);

        return listen is null || allowRemote is null || probeInterval is null
            ? null
            : new HealthSettings(listen.Value.Endpoints, listen.Value.Text, allowRemote.Value) { ProbeInterval = probeInterval.Value };
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
    private static (IReadOnlyList<IPEndPoint> Endpoints, string Text)? ReadListen(
        string? text, bool allowRemote, string key, ConfigLoadOptions options, ConfigDiagnostics diagnostics)
    {
        if (!ListenAddress.TryParse(text, out var address, out var error)
            || !address.TryResolve(options.ResolveHost, out var endpoints, out error))
        {
            diagnostics.Error(key, error);
            return null;
        }

        if (!allowRemote && address.NotLoopback(endpoints) is { } what)
        {
            diagnostics.Error(key, what + "; set \"AllowRemote\": true to listen on other interfaces");
            return null;
        }

        return (endpoints, address.ToString());
    }

    /// <summary>Two listeners that would fight over a port: the same endpoint, or a wildcard and an address of its family.</summary>
    private static void CheckListenConflicts(IReadOnlyList<TunnelSettings> tunnels, HealthSettings? health, ConfigDiagnostics diagnostics)
    {
        List<(string Key, IReadOnlyList<IPEndPoint> Endpoints)> listeners =
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

    private static bool Overlap(IPEndPoint a, IPEndPoint b) =>
        a.Port == b.Port
        && (a.Address.Equals(b.Address)
            || (a.AddressFamily == b.AddressFamily && (IsWildcard(a.Address) || IsWildcard(b.Address))));

    private static bool IsWildcard(IPAddress address) =>
        address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);
}
