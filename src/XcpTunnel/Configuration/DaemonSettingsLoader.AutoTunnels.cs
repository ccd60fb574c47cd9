using System.Net;

namespace XcpTunnel.Configuration;

internal static partial class DaemonSettingsLoader
{
    /// <summary>systemd sets it for a unit with <c>StateDirectory=</c> (a colon-separated list when it names several).</summary>
    internal const string StateDirectoryVariable = "STATE_DIRECTORY";

    // The longest name a generated tunnel's socket file gets, to check the directory leaves room for it.
    private const string LongestUuid = "00000000-0000-0000-0000-000000000000";

    /// <summary>
    /// One pool's <c>AutoTunnels</c>. Its viewer-facing keys are a tunnel's: they are read by <see cref="ReadTunnel(string, ConfigSection, string?, string?, string?, TunnelContext)"/>
    /// as the entry of a tunnel listening on the range's first port (or on the longest socket name the directory
    /// will hold), so they mean, default and fail exactly as they do for a hand-written tunnel.
    /// </summary>
    private static AutoTunnelSettings? ReadAutoTunnels(string pool, ConfigSection section, TunnelContext context)
    {
        var match = VmMatch.Read(section.List("Match", example: null), section.Key("Match"), section.Diagnostics);
        var portsText = section.Text("Ports");
        var host = section.Text("Listen") ?? "127.0.0.1";
        PortRange? ports = null;
        string? directory = null;
        string? listen = null;
        if (host.StartsWith(ListenAddress.UnixPrefix, StringComparison.Ordinal))
        {
            directory = host[ListenAddress.UnixPrefix.Length..].TrimEnd('/');
            listen = ListenAddress.UnixPrefix + Path.Combine(directory.Length == 0 ? "/" : directory, AutoTunnelSettings.NameFor(pool, LongestUuid) + ".sock");
            if (portsText is not null)
            {
                section.Error("Ports", $"a unix: Listen has no ports: each VM gets its socket {directory}/{pool}-<uuid>.sock");
            }
        }
        else if (host.Contains(':', StringComparison.Ordinal) && !(host.StartsWith('[') && host.EndsWith(']')))
        {
            section.Error("Listen", ListenAddress.TryParse(host, out _, out _)
                ? $"'{host}': give the address alone (e.g. 127.0.0.1); the ports come from Ports"
                : $"'{host}' is not an address; write IPv6 addresses in brackets, as in [::1]");
        }
        else
        {
            ports = PortRange.Read(portsText, section.Key("Ports"), section.Diagnostics);
            listen = host + ":" + (ports?.First ?? 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        // The name only matters to the VNC password credential: <pool>.auto.vncpassword.
        var template = ReadTunnel(pool + ".auto", section, listen, pool, vm: "*", context);
        return template is null || match is null || (directory is null && ports is null)
            ? null
            : new AutoTunnelSettings(pool, match, ports, directory, host, template);
    }

    /// <summary>The first of systemd's <c>$STATE_DIRECTORY</c>, for a daemon without <c>State:Directory</c>.</summary>
    private static string? StateDirectoryFromSystemd(IReadOnlyDictionary<string, string?> environment) =>
        environment.GetValueOrDefault(StateDirectoryVariable) is { Length: > 0 } fromSystemd ? fromSystemd.Split(':')[0] : null;

    /// <summary>
    /// Ports generated tunnels may take must be free of every other listener: hand-written tunnels, the health endpoint and
    /// other pools' ranges on an address that collides. Said now, rather than as a bind failure whenever a VM is tagged.
    /// </summary>
    private static void CheckAutoTunnelConflicts(
        IReadOnlyDictionary<string, AutoTunnelSettings> autoTunnels, IReadOnlyList<TunnelSettings> tunnels, HealthSettings? health, ConfigDiagnostics diagnostics)
    {
        var listeners = Listeners(tunnels, health);
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
                        auto.Key + ":Ports",
                        $"{range} overlaps {other.Key}:Ports ({otherRange}) on the same address; give each pool its own ports");
                }
            }
        }
    }
}
