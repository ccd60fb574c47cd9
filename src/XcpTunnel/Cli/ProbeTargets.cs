using System.Diagnostics.CodeAnalysis;
using System.CommandLine;
using System.CommandLine.Parsing;
using Microsoft.Extensions.Logging;
using XcpTunnel.Configuration;
using XcpTunnel.Daemon;
using XcpTunnel.Probes;
using XcpTunnel.Protocol.Consoles;

namespace XcpTunnel.Cli;

/// <summary>
/// The TARGET of <c>probe</c> and <c>snapshot</c> and the options that go with it: a tunnel name from the
/// configuration, a <c>host:port</c> of a running tunnel, or <c>--vm VM [--pool P]</c>; and <c>--timeout</c>.
/// The parser checks what can be checked without the configuration; <see cref="Open"/> does the rest.
/// </summary>
internal sealed class ProbeTargets
{
    public const string Help = """
        TARGET is one of:
          NAME          a tunnel of the configuration: the probe dials its VM through XAPI itself, with the
                        tunnel's pool (no running daemon needed, and it is not a viewer of the tunnel)
          HOST:PORT     a running tunnel (127.0.0.1:5901, [::1]:5901, localhost:5901): one more viewer of it,
                        so it sees what a viewer sees, failure reasons included
          --vm VM       any VM (name-label or UUID) of a configured pool; --pool P when there are several
        """;

    public Option<string?> Vm { get; } = new("--vm") { Description = "Probe this VM (name-label or UUID) instead of a TARGET.", HelpName = "VM" };

    public Option<string?> Pool { get; } = new("--pool", "-p") { Description = "The pool of --vm (its name under Pools); needed when there are several.", HelpName = "POOL" };

    public Option<TimeSpan?> Timeout { get; } = new("--timeout", "-t")
    {
        Description = $"Give up after this many seconds, naming the stage it was in (default {ProbeOptions.DefaultTimeout.TotalSeconds:0}).",
        HelpName = "SECONDS",
        CustomParser = CliOptions.Duration(TimeSpan.FromSeconds, positive: true),
    };

    /// <summary>Adds the options to <paramref name="command"/>, and the checks of the TARGET that <paramref name="target"/> reads.</summary>
    public Command AddTo(Command command, Func<CommandResult, string?> target)
    {
        command.Options.Add(Vm);
        command.Options.Add(Pool);
        command.Options.Add(Timeout);
        command.Validators.Add(result => Validate(result, target(result)?.Trim()));
        return command;
    }

    /// <summary>
    /// The target and whatever must live as long as it (the pool's XAPI session). Only a name needs the configuration.
    /// </summary>
    /// <exception cref="UsageException">The configuration has no such tunnel or pool, or there is no configuration.</exception>
    /// <exception cref="ConfigException">The configuration is not valid.</exception>
    public OpenProbeTarget Open(CliRun cli, string? target, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(cli);
        target = target?.Trim();
        if (IsAddress(target) && ListenAddress.TryParse(target, out var address, out _))
        {
            return new OpenProbeTarget(new TcpProbeTarget(target, address.Host, address.Port), registry: null);
        }

        var configPath = cli.ConfigPath;
        if (!File.Exists(configPath))
        {
            // Without a configuration a name means nothing; the newcomer most likely wants a running tunnel.
            throw new UsageException(
                $"{(target is null ? "--vm" : $"'{target}'")} needs a configuration, and {configPath} does not exist: give --config FILE, "
                + "or HOST:PORT of a running tunnel (e.g. 127.0.0.1:5901)");
        }

        var (settings, _) = cli.LoadConfig(requireTunnels: false);
        var (poolName, vm) = target is not null ? FromTunnel(settings, target, configPath) : FromVm(settings, cli.Get(Vm)!.Trim(), cli.Get(Pool), configPath);
        var registry = new PoolRegistry(
            new Dictionary<string, Protocol.Xapi.Sessions.XapiPoolOptions>(StringComparer.OrdinalIgnoreCase) { [poolName] = settings.Pools[poolName] },
            loggers,
            TimeProvider.System);
        var dialer = new ConsoleDialer(registry[poolName], settings.Timeouts.ConnectReply);
        return new OpenProbeTarget(new XapiProbeTarget(target ?? vm, dialer, vm), registry);
    }

    private void Validate(CommandResult result, string? target)
    {
        if (string.IsNullOrEmpty(target) == string.IsNullOrWhiteSpace(result.GetValue(Vm)))
        {
            result.AddError("give either a TARGET (a tunnel name or host:port) or --vm VM, not both and not neither");
        }

        if (!string.IsNullOrEmpty(target) && CliOptions.Given(result, Pool))
        {
            result.AddError("--pool goes with --vm; a tunnel names its pool in the configuration");
        }

        if (IsAddress(target) && !ListenAddress.TryParse(target, out _, out var error))
        {
            result.AddError($"TARGET {error}");
        }
    }

    /// <summary>Tunnel names cannot contain ':' (configuration keys), so a colon means an address.</summary>
    private static bool IsAddress([NotNullWhen(true)] string? target) => target?.Contains(':', StringComparison.Ordinal) is true;

    private static (string Pool, string Vm) FromTunnel(DaemonSettings settings, string name, string configPath)
    {
        var tunnel = settings.Tunnels.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new UsageException(
                $"{configPath} has no tunnel named '{name}'; "
                + (settings.Tunnels.Count == 0 ? "it has none" : "it has " + string.Join(", ", settings.Tunnels.Select(t => t.Name))));
        return (tunnel.Pool, tunnel.Vm);
    }

    private static (string Pool, string Vm) FromVm(DaemonSettings settings, string vm, string? pool, string configPath)
    {
        var pools = VmsCommand.SelectPools(settings, pool, configPath);
        return pools.Count switch
        {
            1 => (pools.Keys.Single(), vm),
            0 => throw new CommandFailedException($"{configPath} has no pool; add one under Pools"),
            _ => throw new UsageException(
                $"{configPath} has {pools.Count} pools ({string.Join(", ", pools.Keys.Order(StringComparer.OrdinalIgnoreCase))}); choose one with --pool"),
        };
    }
}

/// <summary>A probe target and the pool session it dials through, logged out on dispose.</summary>
internal sealed class OpenProbeTarget(ProbeTarget target, PoolRegistry? registry) : IAsyncDisposable
{
    public ProbeTarget Target => target;

    public ValueTask DisposeAsync() => registry?.DisposeAsync() ?? ValueTask.CompletedTask;
}
