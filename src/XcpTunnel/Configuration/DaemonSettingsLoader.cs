using System.Collections;
using XcpTunnel.Protocol.Xapi.Sessions;
using Microsoft.Extensions.Configuration;

namespace XcpTunnel.Configuration;

/// <summary>
/// Loads and validates the configuration (README, "Configuration reference"): the JSON file, environment
/// overrides, password sources and trust. Every problem is reported at once, each under its key.
/// </summary>
internal static partial class DaemonSettingsLoader
{
    public const string DefaultPath = DaemonSettings.DefaultPath;

    public static ConfigLoadResult Load(string path, IReadOnlyDictionary<string, string?> environment) =>
        Load(path, environment, ConfigLoadOptions.Default);

    public static ConfigLoadResult Load(string path, IReadOnlyDictionary<string, string?> environment, ConfigLoadOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(options);

        var diagnostics = new ConfigDiagnostics();
        var configuration = ConfigurationSources.Build(path, environment, diagnostics);
        var settings = configuration is null ? null : Validate(configuration, path, environment, options, diagnostics);
        return new ConfigLoadResult
        {
            Path = path,
            Settings = diagnostics.HasErrors ? null : settings,
            Errors = diagnostics.Errors,
            Warnings = diagnostics.Warnings,
        };
    }

    /// <summary>The process environment, for <see cref="Load(string, IReadOnlyDictionary{string, string?})"/>.</summary>
    public static IReadOnlyDictionary<string, string?> ProcessEnvironment() =>
        Environment.GetEnvironmentVariables().Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal);

    private static DaemonSettings? Validate(
        IConfiguration configuration,
        string path,
        IReadOnlyDictionary<string, string?> environment,
        ConfigLoadOptions options,
        ConfigDiagnostics diagnostics)
    {
        var root = ConfigSection.Root(configuration, diagnostics);

        // Relative PasswordFile and CaFile paths are relative to the configuration file, not to
        // whatever directory the daemon was started in.
        var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? "/";

        var poolEntries = root.Entries("Pools");
        var tunnelEntries = root.Entries("Tunnels");
        var defaultAllowUsers = ReadAllowList(root.Object("Access"), options).List;
        var timeouts = ReadTimeouts(root.Object("Timeouts"));
        var maxConnections = root.Object("Limits").Integer("MaxConnections", LimitsSettings.DefaultMaxConnections, 1);
        var stateDirectory = root.Object("State").FullPath("Directory", baseDirectory);

        var declaredPools = poolEntries.Names.ToDictionary(name => name, StringComparer.OrdinalIgnoreCase);
        var context = new TunnelContext(declaredPools, defaultAllowUsers, baseDirectory, environment, options);
        var pools = new Dictionary<string, XapiPoolOptions>(StringComparer.OrdinalIgnoreCase);
        var autoTunnels = new Dictionary<string, AutoTunnelSettings>(StringComparer.OrdinalIgnoreCase);
        var anyAutoTunnels = false;
        foreach (var (name, pool) in NamedEntries(poolEntries, "pool"))
        {
            if (ReadPool(name, pool, timeouts ?? TunnelTimeouts.Default, baseDirectory, environment) is { } read)
            {
                pools.Add(name, read);
            }

            if (pool.Has("AutoTunnels"))
            {
                anyAutoTunnels = true;
                if (ReadAutoTunnels(name, pool.Object("AutoTunnels"), context) is { } auto)
                {
                    autoTunnels.Add(name, auto);
                }
            }
        }

        List<TunnelSettings> tunnels = [];
        foreach (var (name, tunnel) in NamedEntries(tunnelEntries, "tunnel"))
        {
            if (ReadTunnel(name, tunnel, context) is { } read)
            {
                tunnels.Add(read);
            }
        }

        if (options.RequireTunnels && !tunnelEntries.Names.Any() && !anyAutoTunnels)
        {
            diagnostics.Error("Tunnels", "no tunnel configured");
        }

        var health = ReadHealth(root.Object("Health"), defaultAllowUsers, options);
        CheckListenConflicts(tunnels, health, diagnostics);
        CheckAutoTunnelConflicts(autoTunnels, tunnels, health, diagnostics);
        WarnOpenTunnels([.. tunnels.Where(t => t.AllowUsers is null).Select(t => t.Name), .. autoTunnels.Values.Where(a => a.Template.AllowUsers is null).Select(a => a.Key)], diagnostics);
        root.ReportUnknownKeys();

        return diagnostics.HasErrors || timeouts is null || health is null || maxConnections is null
            ? null
            : new DaemonSettings(pools, tunnels, health, timeouts, diagnostics.Warnings)
            {
                Limits = new LimitsSettings(maxConnections.Value),
                AutoTunnels = autoTunnels,
                StateDirectory = stateDirectory ?? StateDirectoryFromSystemd(environment) ?? DaemonSettings.DefaultStateDirectory,
            };
    }

    /// <summary>
    /// The entries of <c>Pools</c> or <c>Tunnels</c> whose names are fit to be file names (<c>lab.password</c>), URL
    /// segments and systemd socket names; any other is reported under its key and not read.
    /// </summary>
    private static IEnumerable<(string Name, ConfigSection Entry)> NamedEntries(ConfigSection entries, string what)
    {
        foreach (var name in entries.Names)
        {
            if (name.Length > 0 && name[0] != '.' && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                yield return (name, entries.Object(name));
            }
            else
            {
                entries.Error(name, $"a {what} name may only contain letters, digits, '.', '_' and '-', and may not start with '.'");
            }
        }
    }

    private static TunnelTimeouts? ReadTimeouts(ConfigSection section)
    {
        var defaults = TunnelTimeouts.Default;
        var connect = section.Seconds("ConnectSeconds", defaults.Connect, allowZero: false);
        var tls = section.Seconds("TlsSeconds", defaults.Tls, allowZero: false);
        var reply = section.Seconds("ConnectReplySeconds", defaults.ConnectReply, allowZero: false);
        var rfb = section.Seconds("RfbMessageSeconds", defaults.RfbMessage, allowZero: false);
        var password = section.Seconds("ViewerPasswordSeconds", defaults.ViewerPassword, allowZero: false);
        var halfClose = section.Seconds("HalfCloseSeconds", defaults.HalfClose, allowZero: false);

        // A drain of 0 s is a legitimate "stop now".
        var drain = section.Seconds("DrainSeconds", defaults.Drain, allowZero: true);

        return connect is { } c && tls is { } t && reply is { } r && rfb is { } m && drain is { } d && password is { } p && halfClose is { } h
            ? new TunnelTimeouts(c, t, r, m, d) { ViewerPassword = p, HalfClose = h }
            : null;
    }
}
