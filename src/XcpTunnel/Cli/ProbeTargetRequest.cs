using Microsoft.Extensions.Logging;
using XcpTunnel.Configuration;
using XcpTunnel.Daemon;
using XcpTunnel.Probes;
using XcpTunnel.Protocol.Consoles;

namespace XcpTunnel.Cli;

/// <summary>
/// The TARGET of <c>probe</c> and <c>snapshot</c>, as typed: a tunnel name from the configuration, a
/// <c>host:port</c> of a running tunnel, or <c>--vm VM [--pool P]</c>. <see cref="Open"/> turns it
/// into a <see cref="ProbeTarget"/> and whatever must live as long as it (the pool's XAPI session).
/// </summary>
/// <remarks>
/// Problems with the request itself throw <see cref="CommandFailedException"/> (unknown tunnel or pool,
/// bad arguments) or <see cref="ConfigException"/> (the file): each command maps them to its exit code.
/// </remarks>
internal sealed record ProbeTargetRequest(string? Target, string? Vm, string? Pool, string ConfigPath)
{
    /// <summary>How the target is named in results: what the user typed.</summary>
    public string DisplayName => Target ?? Vm ?? "-";

    public OpenProbeTarget Open(ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(loggers);
        var target = Target?.Trim();
        if (string.IsNullOrEmpty(target) == string.IsNullOrEmpty(Vm))
        {
            throw new UsageException("give either a TARGET (a tunnel name or host:port) or --vm VM, not both and not neither");
        }

        if (target is not null && Pool is not null)
        {
            throw new UsageException("--pool goes with --vm; a tunnel names its pool in the configuration");
        }

        if (target is not null && target.Contains(':', StringComparison.Ordinal))
        {
            // Tunnel names cannot contain ':' (configuration keys), so a colon means an address.
            if (!ListenAddress.TryParse(target, out var address, out var error))
            {
                throw new UsageException($"TARGET {error}");
            }

            return new OpenProbeTarget(new TcpProbeTarget(target, address.Host, address.Port), registry: null);
        }

        if (!File.Exists(ConfigPath))
        {
            // Without a configuration a name means nothing; the newcomer most likely wants a running tunnel.
            throw new UsageException(
                $"{(target is null ? "--vm" : $"'{target}'")} needs a configuration, and {ConfigPath} does not exist: give --config FILE, "
                + "or HOST:PORT of a running tunnel (e.g. 127.0.0.1:5901)");
        }

        var settings = DaemonSettingsLoader
            .Load(ConfigPath, DaemonSettingsLoader.ProcessEnvironment(), new ConfigLoadOptions { RequireTunnels = false })
            .GetSettingsOrThrow();
        var (poolName, vm) = target is not null ? FromTunnel(settings, target) : FromVm(settings);
        var registry = new PoolRegistry(
            new Dictionary<string, Protocol.Xapi.Sessions.XapiPoolOptions>(StringComparer.OrdinalIgnoreCase) { [poolName] = settings.Pools[poolName] },
            loggers,
            TimeProvider.System);
        var dialer = new ConsoleDialer(registry[poolName], settings.Timeouts.ConnectReply);
        return new OpenProbeTarget(new XapiProbeTarget(DisplayName, dialer, vm), registry);
    }

    private (string Pool, string Vm) FromTunnel(DaemonSettings settings, string name)
    {
        var tunnel = settings.Tunnels.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new UsageException(
                $"{ConfigPath} has no tunnel named '{name}'; "
                + (settings.Tunnels.Count == 0 ? "it has none" : "it has " + string.Join(", ", settings.Tunnels.Select(t => t.Name))));
        return (tunnel.Pool, tunnel.Vm);
    }

    private (string Pool, string Vm) FromVm(DaemonSettings settings)
    {
        var pools = VmsCommand.SelectPools(settings, Pool, ConfigPath);
        return pools.Count switch
        {
            1 => (pools.Keys.Single(), Vm!.Trim()),
            0 => throw new CommandFailedException($"{ConfigPath} has no pool; add one under Pools"),
            _ => throw new UsageException(
                $"{ConfigPath} has {pools.Count} pools ({string.Join(", ", pools.Keys.Order(StringComparer.OrdinalIgnoreCase))}); choose one with --pool"),
        };
    }
}

/// <summary>A probe target and the pool session it dials through, logged out on dispose.</summary>
internal sealed class OpenProbeTarget(ProbeTarget target, PoolRegistry? registry) : IAsyncDisposable
{
    public ProbeTarget Target => target;

    public ValueTask DisposeAsync() => registry?.DisposeAsync() ?? ValueTask.CompletedTask;
}
