using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;
using Spectre.Console.Rendering;
using XcpTunnel.AutoTunnels;
using XcpTunnel.Configuration;
using XcpTunnel.Daemon;
using XcpTunnel.Protocol;
using XcpTunnel.Protocol.Xapi.Records;
using XcpTunnel.Protocol.Xapi.Sessions;

namespace XcpTunnel.Cli;

/// <summary><c>xcptunnel vms</c>: the VMs of the configured pools, their consoles and the tunnels that map them.</summary>
internal static class VmsCommand
{
    /// <summary>Piped output is not wrapped at 80 columns: one VM, one line, whatever reads it.</summary>
    private const int PipedWidth = 1000;

    private const string Description = """
        List the VMs of the configured pools, with the tunnel mapped to each.

        Columns: name, UUID, power state, host, console protocols and the tunnel mapped to each: a
        hand-written one (NAME (ADDRESS)), or the address its pool's AutoTunnels give it (ADDRESS (generated),
        as the daemon's state directory has it; reading it may need root).
        Templates, snapshots and control domains are left out unless --all is given.

        Examples:
          xcptunnel vms
          xcptunnel vms --pool lab web
          xcptunnel vms --json | jq -r '.[] | select(.powerState == "Running") | .name'
        """ + "\n\n" + ExitCodes.HelpText + " A pool that cannot be reached makes the exit code 1; the others are still listed.";

    private static readonly Option<string?> Pool = new("--pool", "-p") { Description = "Only this pool (its name under Pools).", HelpName = "POOL" };

    private static readonly Option<bool> Json = new("--json") { Description = "Print a JSON array instead of a table." };

    private static readonly Option<bool> All = new("--all", "-a") { Description = "Include templates, snapshots and control domains." };

    private static readonly Argument<string?> Filter = new("NAME-FILTER")
    {
        Description = "Only VMs whose name contains this text (case-insensitive).",
        Arity = ArgumentArity.ZeroOrOne,
    };

    public static Command Create() =>
        CliCommand.Create(new Command("vms", Description) { Filter, CliOptions.Config(), Pool, Json, All }, RunAsync);

    private static async Task<int> RunAsync(CliRun cli, CancellationToken cancellationToken)
    {
        var (settings, _) = cli.LoadConfig(requireTunnels: false);
        var pools = SelectPools(settings, cli.Get(Pool), cli.ConfigPath);
        var (all, filter, errors) = (cli.Get(All), cli.Get(Filter), cli.Errors);
        using var loggers = cli.CreateLoggers();
        await using var registry = new PoolRegistry(pools, loggers, TimeProvider.System);

        // Pools answer independently; a slow or dead one costs its own timeout, not the sum.
        var listings = await Task.WhenAll(pools.Keys.Select(async name =>
        {
            try
            {
                var rows = await VmRow.ListAsync(registry[name], settings.Tunnels, Generated(settings, name, errors), Include, cancellationToken).ConfigureAwait(false);
                return (Name: name, Rows: rows, Error: (string?)null);
            }
            catch (XcpTunnelException ex)
            {
                return (Name: name, Rows: (IReadOnlyList<VmRow>)[], Error: ex.Message);
            }
        })).ConfigureAwait(false);

        // Pool then name, the order the table and the JSON use.
        var rows = listings.SelectMany(l => l.Rows)
            .OrderBy(r => r.Pool, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.Name, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.Uuid, StringComparer.Ordinal)
            .ToList();
        // When no pool answered, an empty table or "[]" on stdout would read as "these pools have no VMs".
        var nothingListed = listings.Length > 0 && listings.All(l => l.Error is not null);
        if (!nothingListed && cli.Get(Json))
        {
            cli.Output.WriteLine(JsonSerializer.Serialize(rows, VmsJsonContext.Default.ListVmRow));
        }
        else if (!nothingListed)
        {
            WriteTable(rows, cli.Output);
        }

        cli.Output.Flush();
        var failed = 0;
        foreach (var (name, _, error) in listings.Where(l => l.Error is not null).OrderBy(l => l.Name, StringComparer.OrdinalIgnoreCase))
        {
            errors.WriteLine($"xcptunnel: pool {name}: {error}");
            failed++;
        }

        return failed == 0 ? ExitCodes.Ok : ExitCodes.Failed;

        bool Include(VmRecord vm) =>
            (all || !(vm.IsTemplate || vm.IsSnapshot || vm.IsControlDomain))
            && (string.IsNullOrEmpty(filter) || vm.NameLabel.Contains(filter, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The tunnels the daemon gives the pool's VMs now, as its state file has their ports (read only: a VM the daemon
    /// has not seen yet has no port, and none is given here). Null when the pool has no <c>AutoTunnels</c>, or the file
    /// cannot be read (said on <paramref name="errors"/>: the state directory is the daemon's, root may read it).
    /// </summary>
    private static Func<IReadOnlyList<VmRecord>, IReadOnlyList<TunnelSettings>>? Generated(DaemonSettings settings, string pool, TextWriter errors)
    {
        if (!settings.AutoTunnels.TryGetValue(pool, out var auto))
        {
            return null;
        }

        AutoTunnelState state;
        try
        {
            state = AutoTunnelState.Load(AutoTunnelState.PathFor(settings.StateDirectory, pool));
        }
        catch (AutoTunnelStateException ex)
        {
            errors.WriteLine($"xcptunnel: pool {pool}: generated tunnels not shown: {ex.Message}");
            return null;
        }

        var handWritten = settings.Tunnels;
        return vms => AutoTunnelPlan.Update(auto, handWritten, vms, state.Vms, assignPorts: false, out _).Tunnels;
    }

    /// <summary>Every configured pool, or the one <c>--pool</c> names (any case, as configuration keys are).</summary>
    internal static Dictionary<string, XapiPoolOptions> SelectPools(DaemonSettings settings, string? pool, string configPath)
    {
        if (pool is null)
        {
            return settings.Pools.ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);
        }

        var match = settings.Pools.Where(p => string.Equals(p.Key, pool, StringComparison.OrdinalIgnoreCase)).ToList();
        if (match.Count == 0)
        {
            var known = settings.Pools.Count == 0 ? "it has none" : "it has " + string.Join(", ", settings.Pools.Keys.Order(StringComparer.OrdinalIgnoreCase));
            throw new UsageException($"--pool: {configPath} has no pool named '{pool}'; {known}");
        }

        return match.ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);
    }

    private static void WriteTable(List<VmRow> rows, TextWriter output)
    {
        if (rows.Count == 0)
        {
            output.WriteLine("No VMs.");
            return;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        if (!ReferenceEquals(output, Console.Out) || Console.IsOutputRedirected)
        {
            console.Profile.Width = PipedWidth;
        }

        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in (string[])["Pool", "Name", "UUID", "Power", "Host", "Consoles", "Tunnel"])
        {
            table.AddColumn(new TableColumn(column).NoWrap());
        }

        foreach (var row in rows)
        {
            // Text, not markup: a VM may well be called "[test] web".
            table.AddRow(new IRenderable[]
            {
                new Text(row.Pool),
                new Text(row.Name),
                new Text(row.Uuid),
                new Text(row.PowerState),
                new Text(row.Host ?? "-"),
                new Text(row.Consoles.Count == 0 ? "-" : string.Join(", ", row.Consoles)),
                new Text(row.Tunnels.Count == 0 ? "-" : string.Join(", ", row.Tunnels.Select(t => t.Generated ? $"{t.Listen} (generated)" : $"{t.Name} ({t.Listen})"))),
            });
        }

        console.Write(table);
    }
}

/// <summary>Source-generated JSON: no reflection, so the binary stays trimmable.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(List<VmRow>))]
internal sealed partial class VmsJsonContext : JsonSerializerContext;
