using System.Collections;
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
    public static IReadOnlyDictionary<string, string?> ProcessEnvironment()
    {
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            variables[(string)entry.Key] = (string?)entry.Value;
        }

        return variables;
    }

    private static DaemonSettings? Validate(
        IConfiguration configuration,
        string path,
        IReadOnlyDictionary<string, string?> environment,
        ConfigLoadOptions options,
        ConfigDiagnostics diagnostics)
    {
        CheckShape(configuration, diagnostics);
        var section = configuration.Get<DaemonSection>() ?? new DaemonSection();
        KeepEmptySections(configuration, section);

        // Relative PasswordFile and CaFile paths are relative to the configuration file, not to
        // whatever directory the daemon was started in.
        var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? "/";

        var timeouts = ReadTimeouts(section.Timeouts ?? new TimeoutsSection(), diagnostics);
        var pools = ReadPools(section.Pools, timeouts ?? TunnelTimeouts.Default, baseDirectory, environment, diagnostics);
        var declaredPools = (section.Pools?.Keys ?? Enumerable.Empty<string>()).ToDictionary(name => name, StringComparer.OrdinalIgnoreCase);
        var defaultAllowUsers = ReadAllowList(
            section.Access?.AllowUsers, ConfigurationPath.Combine(nameof(DaemonSection.Access), nameof(AccessSection.AllowUsers)), options, diagnostics);
        var context = new TunnelContext(declaredPools, defaultAllowUsers, baseDirectory, environment, options);
        var tunnels = ReadTunnels(section.Tunnels, context, diagnostics);
        var autoTunnels = ReadAutoTunnels(section.Pools, context, diagnostics);
        if (options.RequireTunnels && section.Tunnels is null or { Count: 0 } && section.Pools?.Values.Any(p => p?.AutoTunnels is not null) is not true)
        {
            diagnostics.Error(nameof(DaemonSection.Tunnels), "no tunnel configured");
        }

        var health = ReadHealth(section.Health ?? new HealthSection(), defaultAllowUsers, options, diagnostics);
        CheckListenConflicts(tunnels, health, diagnostics);
        CheckAutoTunnelConflicts(autoTunnels, tunnels, health, diagnostics);
        WarnOpenTunnels([.. tunnels.Where(t => t.AllowUsers is null).Select(t => t.Name), .. autoTunnels.Values.Where(a => a.Template.AllowUsers is null).Select(a => a.Key)], diagnostics);

        var maxConnections = ConfigValues.Integer(
            section.Limits?.MaxConnections, LimitsSettings.DefaultMaxConnections, 1,
            ConfigurationPath.Combine(nameof(DaemonSection.Limits), nameof(LimitsSection.MaxConnections)), diagnostics);

        return diagnostics.HasErrors || timeouts is null || health is null || maxConnections is null
            ? null
            : new DaemonSettings(pools, tunnels, health, timeouts, diagnostics.Warnings)
            {
                Limits = new LimitsSettings(maxConnections.Value),
                AutoTunnels = autoTunnels,
                StateDirectory = ReadStateDirectory(section.State, baseDirectory, environment),
            };
    }

    /// <summary>
    /// A misspelt key would otherwise be ignored without a word (a pin that never applies, a tunnel
    /// without its <c>AllowRemote</c>); the binder stops at the first, this reports them all.
    /// </summary>
    private static void CheckShape(IConfiguration configuration, ConfigDiagnostics diagnostics)
    {
        CheckKeys(configuration.GetChildren(), DaemonSection.Keys, diagnostics);
        CheckEntries(configuration.GetSection(nameof(DaemonSection.Pools)), PoolSection.Keys, diagnostics);
        CheckEntries(configuration.GetSection(nameof(DaemonSection.Tunnels)), TunnelSection.Keys, diagnostics);
        foreach (var tunnel in configuration.GetSection(nameof(DaemonSection.Tunnels)).GetChildren())
        {
            CheckTunnelShape(tunnel, diagnostics);
        }

        foreach (var pool in configuration.GetSection(nameof(DaemonSection.Pools)).GetChildren())
        {
            var auto = pool.GetSection(nameof(PoolSection.AutoTunnels));
            CheckObject(auto, AutoTunnelsSection.AutoKeys, diagnostics);
            CheckTunnelShape(auto, diagnostics);
        }

        CheckObject(configuration.GetSection(nameof(DaemonSection.State)), StateSection.Keys, diagnostics);

        CheckObject(configuration.GetSection(nameof(DaemonSection.Access)), AccessSection.Keys, diagnostics);
        CheckList(configuration.GetSection(nameof(DaemonSection.Access)).GetSection(nameof(AccessSection.AllowUsers)), diagnostics);
        CheckList(configuration.GetSection(nameof(DaemonSection.Health)).GetSection(nameof(HealthSection.AllowUsers)), diagnostics);
        CheckObject(configuration.GetSection(nameof(DaemonSection.Health)), HealthSection.Keys, diagnostics);
        CheckObject(configuration.GetSection(nameof(DaemonSection.Timeouts)), TimeoutsSection.Keys, diagnostics);
        CheckObject(configuration.GetSection(nameof(DaemonSection.Limits)), LimitsSection.Keys, diagnostics);
    }

    /// <summary>A section of named entries (<c>Pools</c>, <c>Tunnels</c>), each an object with <paramref name="keys"/>.</summary>
    private static void CheckEntries(IConfigurationSection section, IReadOnlyList<string> keys, ConfigDiagnostics diagnostics)
    {
        if (!string.IsNullOrEmpty(section.Value))
        {
            diagnostics.Error(section.Path, "expected an object of named entries");
        }

        foreach (var entry in section.GetChildren())
        {
            CheckObject(entry, keys, diagnostics);
        }
    }

    // The binder turns a plain value where an object belongs into "not set", which would quietly mean the defaults.
    private static void CheckObject(IConfigurationSection section, IReadOnlyList<string> keys, ConfigDiagnostics diagnostics)
    {
        if (!string.IsNullOrEmpty(section.Value))
        {
            diagnostics.Error(section.Path, "expected an object such as { \"" + keys[0] + "\": … }");
        }

        CheckKeys(section.GetChildren(), keys, diagnostics);
    }

    /// <summary>
    /// <c>"AllowUsers": []</c> (no one) and <c>"ViewerTls": {}</c> reach the binder as an empty value, which it binds
    /// as nothing at all: the default. Both are decisions (no one may; TLS is wanted, its files missing), so they are
    /// kept, to mean what they say or be reported.
    /// </summary>
    private static void KeepEmptySections(IConfiguration configuration, DaemonSection section)
    {
        // An empty array is a key with an empty value, an empty object a key with none: both are there, childless.
        var keys = configuration.AsEnumerable().Select(pair => pair.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        bool IsEmptyList(IConfigurationSection list) => keys.Contains(list.Path) && string.IsNullOrEmpty(list.Value) && !list.GetChildren().Any();

        var access = configuration.GetSection(nameof(DaemonSection.Access)).GetSection(nameof(AccessSection.AllowUsers));
        if (IsEmptyList(access))
        {
            (section.Access ??= new AccessSection()).AllowUsers = [];
        }

        var health = configuration.GetSection(nameof(DaemonSection.Health)).GetSection(nameof(HealthSection.AllowUsers));
        if (IsEmptyList(health))
        {
            (section.Health ??= new HealthSection()).AllowUsers = [];
        }

        foreach (var tunnel in configuration.GetSection(nameof(DaemonSection.Tunnels)).GetChildren())
        {
            KeepEmptyTunnelSections(tunnel, section.Tunnels?.GetValueOrDefault(tunnel.Key), IsEmptyList);
        }

        foreach (var pool in configuration.GetSection(nameof(DaemonSection.Pools)).GetChildren())
        {
            var written = pool.GetSection(nameof(PoolSection.AutoTunnels));
            var bound = section.Pools?.GetValueOrDefault(pool.Key)?.AutoTunnels;
            KeepEmptyTunnelSections(written, bound, IsEmptyList);

            // "Match": "tag:console" is one rule, which the binder would read as no list at all.
            if (bound is not null && written.GetSection(nameof(AutoTunnelsSection.Match)).Value is { Length: > 0 } one)
            {
                bound.Match = [one];
            }
        }
    }

    private static void KeepEmptyTunnelSections(IConfigurationSection written, TunnelSection? bound, Func<IConfigurationSection, bool> isEmptyList)
    {
        if (bound is null)
        {
            return;
        }

        if (isEmptyList(written.GetSection(nameof(TunnelSection.AllowUsers))))
        {
            bound.AllowUsers = [];
        }

        if (isEmptyList(written.GetSection(nameof(TunnelSection.ViewerTls))))
        {
            bound.ViewerTls = new ViewerTlsSection();
        }
    }

    private static void CheckTunnelShape(IConfigurationSection tunnel, ConfigDiagnostics diagnostics)
    {
        CheckObject(tunnel.GetSection(nameof(TunnelSection.ViewerTls)), ViewerTlsSection.Keys, diagnostics);
        CheckList(tunnel.GetSection(nameof(TunnelSection.AllowUsers)), diagnostics);
    }

    // The binder reads "AllowUsers": "alice" as no list at all, which would quietly mean the default.
    private static void CheckList(IConfigurationSection section, ConfigDiagnostics diagnostics)
    {
        if (!string.IsNullOrEmpty(section.Value))
        {
            diagnostics.Error(section.Path, "expected a list such as [\"alice\", \"@ops\"]");
        }
    }

    private static void CheckKeys(IEnumerable<IConfigurationSection> children, IReadOnlyList<string> keys, ConfigDiagnostics diagnostics)
    {
        foreach (var child in children)
        {
            if (!keys.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                diagnostics.Error(child.Path, $"unknown key; expected one of {string.Join(", ", keys)}");
            }
        }
    }

    private static TunnelTimeouts? ReadTimeouts(TimeoutsSection section, ConfigDiagnostics diagnostics)
    {
        var defaults = TunnelTimeouts.Default;
        var connect = Timeout(section.ConnectSeconds, defaults.Connect, nameof(TimeoutsSection.ConnectSeconds));
        var tls = Timeout(section.TlsSeconds, defaults.Tls, nameof(TimeoutsSection.TlsSeconds));
        var reply = Timeout(section.ConnectReplySeconds, defaults.ConnectReply, nameof(TimeoutsSection.ConnectReplySeconds));
        var rfb = Timeout(section.RfbMessageSeconds, defaults.RfbMessage, nameof(TimeoutsSection.RfbMessageSeconds));
        var password = Timeout(section.ViewerPasswordSeconds, defaults.ViewerPassword, nameof(TimeoutsSection.ViewerPasswordSeconds));
        var halfClose = Timeout(section.HalfCloseSeconds, defaults.HalfClose, nameof(TimeoutsSection.HalfCloseSeconds));

        // A drain of 0 s is a legitimate "stop now".
        var drain = ConfigValues.Seconds(section.DrainSeconds, defaults.Drain, allowZero: true, Key(nameof(TimeoutsSection.DrainSeconds)), diagnostics);

        return connect is { } c && tls is { } t && reply is { } r && rfb is { } m && drain is { } d && password is { } p && halfClose is { } h
            ? new TunnelTimeouts(c, t, r, m, d) { ViewerPassword = p, HalfClose = h }
            : null;

        TimeSpan? Timeout(string? text, TimeSpan fallback, string name) =>
            ConfigValues.Seconds(text, fallback, allowZero: false, Key(name), diagnostics);

        static string Key(string name) => ConfigurationPath.Combine(nameof(DaemonSection.Timeouts), name);
    }

    /// <summary>Pool and tunnel names become file names (<c>lab.password</c>), URL segments and systemd socket names.</summary>
    private static bool CheckName(string name, string key, string what, ConfigDiagnostics diagnostics)
    {
        if (name.Length > 0 && name[0] != '.' && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            return true;
        }

        diagnostics.Error(key, $"a {what} name may only contain letters, digits, '.', '_' and '-', and may not start with '.'");
        return false;
    }

    private static string? FullPath(string? path, string baseDirectory) =>
        ConfigValues.IsSet(path) ? Path.GetFullPath(path.Trim(), baseDirectory) : null;
}
