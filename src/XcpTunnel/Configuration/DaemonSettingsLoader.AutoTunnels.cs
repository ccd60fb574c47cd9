using System.Net;
using Microsoft.Extensions.Configuration;

namespace XcpTunnel.Configuration;

internal static partial class DaemonSettingsLoader
{
    /// <summary>systemd sets it for a unit with <c>StateDirectory=</c> (a colon-separated list when it names several).</summary>
    internal const string StateDirectoryVariable = "STATE_DIRECTORY";

    // The longest name a generated tunnel's socket file gets, to check the directory leaves room for it.
    private const string LongestUuid = "00000000-0000-0000-0000-000000000000";

    private static Dictionary<string, AutoTunnelSettings> ReadAutoTunnels(
        Dictionary<string, PoolSection?>? pools, TunnelContext context, ConfigDiagnostics diagnostics)
    {
        var autoTunnels = new Dictionary<string, AutoTunnelSettings>(StringComparer.OrdinalIgnoreCase);
        foreach (var (pool, section) in pools ?? [])
        {
            if (section?.AutoTunnels is { } auto && context.DeclaredPools.ContainsKey(pool)
                && ReadAutoTunnels(pool, auto, context, diagnostics) is { } settings)
            {
                autoTunnels.Add(pool, settings);
            }
        }

        return autoTunnels;
    }

    /// <summary>
    /// One pool's <c>AutoTunnels</c>. Its viewer-facing keys are a tunnel's: they are read by <see cref="ReadTunnel"/>
    /// as the entry of a tunnel listening on the range's first port (or on the longest socket name the directory
    /// will hold), so they mean, default and fail exactly as they do for a hand-written tunnel.
    /// </summary>
    private static AutoTunnelSettings? ReadAutoTunnels(string pool, AutoTunnelsSection section, TunnelContext context, ConfigDiagnostics diagnostics)
    {
        var key = ConfigurationPath.Combine(nameof(DaemonSection.Pools), pool, nameof(PoolSection.AutoTunnels));
        var listenKey = ConfigurationPath.Combine(key, nameof(TunnelSection.Listen));
        var portsKey = ConfigurationPath.Combine(key, nameof(AutoTunnelsSection.Ports));
        var match = VmMatch.Read(section.Match, ConfigurationPath.Combine(key, nameof(AutoTunnelsSection.Match)), diagnostics);
        var host = ConfigValues.IsSet(section.Listen) ? section.Listen.Trim() : "127.0.0.1";
        PortRange? ports = null;
        string? directory = null;
        if (host.StartsWith(ListenAddress.UnixPrefix, StringComparison.Ordinal))
        {
            directory = host[ListenAddress.UnixPrefix.Length..].TrimEnd('/');
            section.Listen = ListenAddress.UnixPrefix + Path.Combine(directory.Length == 0 ? "/" : directory, AutoTunnelSettings.NameFor(pool, LongestUuid) + ".sock");
            if (ConfigValues.IsSet(section.Ports))
            {
                diagnostics.Error(portsKey, $"a unix: Listen has no ports: each VM gets its socket {directory}/{pool}-<uuid>.sock");
            }
        }
        else if (host.Contains(':', StringComparison.Ordinal) && !(host.StartsWith('[') && host.EndsWith(']')))
        {
            diagnostics.Error(listenKey, ListenAddress.TryParse(host, out _, out _)
                ? $"'{host}': give the address alone (e.g. 127.0.0.1); the ports come from Ports"
                : $"'{host}' is not an address; write IPv6 addresses in brackets, as in [::1]");
            return null;
        }
        else
        {
            ports = PortRange.Read(section.Ports, portsKey, diagnostics);
            section.Listen = host + ":" + (ports?.First ?? 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        section.Pool = pool;
        section.Vm = "*";
        // The name only matters to the VNC password credential: <pool>.auto.vncpassword.
        var template = ReadTunnel(pool + ".auto", key, section, context, diagnostics);
        return template is null || match is null || (directory is null && ports is null)
            ? null
            : new AutoTunnelSettings(pool, match, ports, directory, host, template);
    }

    /// <summary><c>State:Directory</c>, else the first of systemd's <c>$STATE_DIRECTORY</c>, else /var/lib/xcptunnel.</summary>
    private static string ReadStateDirectory(StateSection? section, string baseDirectory, IReadOnlyDictionary<string, string?> environment) =>
        FullPath(section?.Directory, baseDirectory)
        ?? (environment.GetValueOrDefault(StateDirectoryVariable) is { Length: > 0 } fromSystemd ? fromSystemd.Split(':')[0] : null)
        ?? DaemonSettings.DefaultStateDirectory;

    /// <summary>
    /// Ports generated tunnels may take must be free of every other listener: hand-written tunnels, the health endpoint and
    /// other pools' ranges on an address that collides. Said now, rather than as a bind failure whenever a VM is tagged.
    /// </summary>
    private static void CheckAutoTunnelConflicts(
        IReadOnlyDictionary<string, AutoTunnelSettings> autoTunnels, IReadOnlyList<TunnelSettings> tunnels, HealthSettings? health, ConfigDiagnostics diagnostics)
    {
        List<(string Key, IReadOnlyList<EndPoint> Endpoints)> listeners =
            [.. tunnels.Select(t => (ConfigurationPath.Combine(nameof(DaemonSection.Tunnels), t.Name, nameof(TunnelSection.Listen)), t.Listen))];
        if (health is not null)
        {
            listeners.Add((ConfigurationPath.Combine(nameof(DaemonSection.Health), nameof(HealthSection.Listen)), health.Listen));
        }

        var ranges = autoTunnels.Values.Where(a => a.Ports is not null).ToList();
        for (var i = 0; i < ranges.Count; i++)
        {
            var auto = ranges[i];
            var range = auto.Ports!.Value;
            var addresses = auto.Template.Listen.OfType<IPEndPoint>().ToList();
            foreach (var (key, endpoints) in listeners)
            {
                if (endpoints.OfType<IPEndPoint>().FirstOrDefault(e => range.Contains(e.Port) && addresses.Any(a => SameAddress(a, e))) is { } inside)
                {
                    diagnostics.Error(key, $"{inside} is inside {auto.Key}:Ports ({range}), which generated tunnels use; move it out of the range or narrow Ports");
                }
            }

            foreach (var other in ranges.Take(i))
            {
                var otherRange = other.Ports!.Value;
                if (range.First <= otherRange.Last && otherRange.First <= range.Last
                    && other.Template.Listen.OfType<IPEndPoint>().Any(o => addresses.Any(a => SameAddress(a, o))))
                {
                    diagnostics.Error(
                        ConfigurationPath.Combine(auto.Key, nameof(AutoTunnelsSection.Ports)),
                        $"{range} overlaps {other.Key}:Ports ({otherRange}) on the same address; give each pool its own ports");
                }
            }
        }
    }
}
