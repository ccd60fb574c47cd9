using XcpTunnel.Configuration;
using XcpTunnel.Protocol.Xapi;
using XcpTunnel.Protocol.Xapi.Records;
using XcpTunnel.Protocol.Xapi.Sessions;

namespace XcpTunnel.Cli;

/// <summary>
/// One line of <c>xcptunnel vms</c>, and one object of <c>vms --json</c>: a VM as XAPI reports it, and the tunnels
/// that name it.
/// </summary>
/// <param name="Pool">The pool's name in the configuration.</param>
/// <param name="Name">The VM's name-label.</param>
/// <param name="Uuid">The VM's UUID.</param>
/// <param name="PowerState">Halted, Paused, Running or Suspended.</param>
/// <param name="Host">The name-label of the host it runs on; null when it is not resident anywhere.</param>
/// <param name="Consoles">Console protocols (<c>rfb</c>, <c>vt100</c> …), sorted; empty unless running.</param>
/// <param name="Tunnels">Configured tunnels whose <c>Vm</c> is this VM's name or UUID, and its generated one.</param>
internal sealed record VmRow(
    string Pool,
    string Name,
    string Uuid,
    string PowerState,
    string? Host,
    IReadOnlyList<string> Consoles,
    IReadOnlyList<VmTunnel> Tunnels)
{
    /// <summary>
    /// Lists the VMs of <paramref name="pool"/> that <paramref name="include"/> accepts. Three calls
    /// whatever the pool's size (VMs, consoles, then one name lookup per host that runs one of them).
    /// </summary>
    /// <param name="pool">The pool to ask.</param>
    /// <param name="tunnels">The hand-written tunnels.</param>
    /// <param name="generated">The tunnels the pool's <c>AutoTunnels</c> give its VMs now; null when it has none.</param>
    /// <param name="include">Which VMs to list.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    public static async Task<IReadOnlyList<VmRow>> ListAsync(
        XapiPoolSession pool,
        IReadOnlyList<TunnelSettings> tunnels,
        Func<IReadOnlyList<VmRecord>, IReadOnlyList<TunnelSettings>>? generated,
        Func<VmRecord, bool> include,
        CancellationToken cancellationToken)
    {
        var all = await pool.GetAllVmRecordsAsync(cancellationToken).ConfigureAwait(false);
        tunnels = [.. tunnels, .. generated?.Invoke(all) ?? []];
        var vms = all.Where(include).ToList();
        if (vms.Count == 0)
        {
            return [];
        }

        var protocols = (await pool.GetAllConsoleRecordsAsync(cancellationToken).ConfigureAwait(false))
            .ToDictionary(c => c.Ref, c => c.Protocol, StringComparer.Ordinal);
        var hostNames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var hostRef in vms.Select(vm => vm.ResidentOn).Where(r => r != VmRecord.NullRef).Distinct(StringComparer.Ordinal))
        {
            hostNames[hostRef] = await pool.GetHostNameLabelAsync(hostRef, cancellationToken).ConfigureAwait(false);
        }

        var poolName = pool.Options.Name;
        return
        [
            .. vms.Select(vm => new VmRow(
                poolName,
                vm.NameLabel,
                vm.Uuid,
                vm.PowerState,
                hostNames.GetValueOrDefault(vm.ResidentOn),
                [.. vm.Consoles.Select(c => protocols.GetValueOrDefault(c)).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
                [.. tunnels.Where(t => Maps(t, poolName, vm)).Select(t => new VmTunnel(t.Name, t.ListenText, t.GeneratedFor is not null))])),
        ];
    }

    /// <summary>
    /// Whether <paramref name="tunnel"/> names <paramref name="vm"/>: by UUID (any case) or by exact
    /// name-label, which, as for the daemon's resolver, never means a template or a snapshot.
    /// </summary>
    public static bool Maps(TunnelSettings tunnel, string pool, VmRecord vm) =>
        tunnel.Names(pool, vm.Uuid, vm.IsTemplate || vm.IsSnapshot ? null : vm.NameLabel);
}

/// <summary>A tunnel of a VM: its name and address, and whether its pool's <c>AutoTunnels</c> made it.</summary>
internal sealed record VmTunnel(string Name, string Listen, bool Generated);
