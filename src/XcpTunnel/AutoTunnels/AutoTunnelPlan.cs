using XcpTunnel.Configuration;
using XcpTunnel.Protocol.Xapi.Records;

namespace XcpTunnel.AutoTunnels;

/// <summary>What a pool's <c>AutoTunnels</c> give now (docs/auto-tunnels.md).</summary>
/// <param name="Tunnels">One per VM that matches and has its port (or socket), by name.</param>
/// <param name="Unplaced">Name-labels of the VMs that match but found no free port in the range.</param>
internal sealed record AutoTunnelPlan(IReadOnlyList<TunnelSettings> Tunnels, IReadOnlyList<string> Unplaced)
{
    /// <summary>
    /// Brings <paramref name="state"/> in step with the pool's <paramref name="vms"/> (null when the pool's table is not in
    /// step: the state stands as it is) and, with <paramref name="assignPorts"/>, gives each VM that matches and has no port
    /// the lowest port of the range no VM holds. A VM keeps its port while it exists, whether it matches or not; a VM that
    /// is gone frees it. A VM a hand-written tunnel names (by UUID or name-label) gets no generated tunnel: the hand-written
    /// one takes precedence. <c>changed</c> says whether the state changed (and should be saved).
    /// </summary>
    public static AutoTunnelPlan Update(
        AutoTunnelSettings auto,
        IReadOnlyList<TunnelSettings> handWritten,
        IReadOnlyList<VmRecord>? vms,
        Dictionary<string, AutoTunnelEntry> state,
        bool assignPorts,
        out bool changed)
    {
        ArgumentNullException.ThrowIfNull(auto);
        ArgumentNullException.ThrowIfNull(state);
        changed = vms is not null && Follow(auto, vms, state);
        var range = auto.Ports;
        foreach (var (uuid, entry) in state.Where(e => e.Value.Port is { } port && range?.Contains(port) != true).ToList())
        {
            // The range was narrowed or moved, or the tunnels went to unix sockets: a port outside is no one's.
            state[uuid] = entry with { Port = null };
            changed = true;
        }

        var wanted = state
            .Where(e => e.Value.Tunnel && !handWritten.Any(t => t.Names(auto.Pool, e.Key, e.Value.Name) || t.Name == AutoTunnelSettings.NameFor(auto.Pool, e.Key)))
            .OrderBy(e => e.Value.Name, StringComparer.Ordinal).ThenBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => e.Key)
            .ToList();
        if (assignPorts && range is { } ports)
        {
            changed |= Assign(ports, wanted, state);
        }

        return new AutoTunnelPlan(
            [.. wanted.Where(uuid => range is null || state[uuid].Port is not null)
                .Select(uuid => auto.For(uuid, state[uuid].Name!, state[uuid].Port))
                .OrderBy(t => t.Name, StringComparer.Ordinal)],
            [.. wanted.Where(uuid => range is not null && state[uuid].Port is null).Select(uuid => state[uuid].Name!)]);
    }

    /// <summary>Records each VM's name and whether it matches; forgets the VMs the pool no longer has.</summary>
    private static bool Follow(AutoTunnelSettings auto, IReadOnlyList<VmRecord> vms, Dictionary<string, AutoTunnelEntry> state)
    {
        var changed = false;
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var vm in vms)
        {
            var uuid = vm.Uuid.ToLowerInvariant();
            present.Add(uuid);
            var matches = !vm.IsTemplate && !vm.IsSnapshot && !vm.IsControlDomain && auto.Match.Matches(vm);
            state.TryGetValue(uuid, out var old);
            if (!matches && old?.Port is null)
            {
                // Nothing to remember: no tunnel, and no port held for it.
                changed |= state.Remove(uuid);
                continue;
            }

            var next = (old ?? new AutoTunnelEntry()) with { Name = vm.NameLabel, Tunnel = matches };
            if (next != old)
            {
                state[uuid] = next;
                changed = true;
            }
        }

        foreach (var gone in state.Keys.Where(uuid => !present.Contains(uuid)).ToList())
        {
            state.Remove(gone);
            changed = true;
        }

        return changed;
    }

    private static bool Assign(PortRange range, IReadOnlyList<string> wanted, Dictionary<string, AutoTunnelEntry> state)
    {
        var used = state.Values.Select(e => e.Port).OfType<int>().ToHashSet();
        var next = range.First;
        var changed = false;
        foreach (var uuid in wanted.Where(uuid => state[uuid].Port is null))
        {
            while (next <= range.Last && used.Contains(next))
            {
                next++;
            }

            if (next > range.Last)
            {
                break;
            }

            state[uuid] = state[uuid] with { Port = next };
            used.Add(next);
            changed = true;
        }

        return changed;
    }
}
