using XcpTunnel.Protocol.Xapi.Records;
using XcpTunnel.Protocol.Xapi.Sessions;

namespace XcpTunnel.Protocol.Consoles;

/// <summary>
/// The pool's VM and console records as last seen, keyed by reference, and the lookup that resolves a VM from
/// them with the same rules as <see cref="ConsoleResolver"/>. Not thread-safe: <see cref="ConsoleCache"/> locks.
/// </summary>
internal sealed class ConsoleIndex
{
    private readonly Dictionary<string, VmRecord> _vms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ConsoleRecord> _consoles = new(StringComparer.Ordinal);

    /// <summary>A copy of every VM record, for readers outside the lock.</summary>
    public IReadOnlyList<VmRecord> Vms() => [.. _vms.Values];

    /// <summary>Replaces everything with a full load.</summary>
    public void Load(IEnumerable<VmRecord> vms, IEnumerable<ConsoleRecord> consoles)
    {
        _vms.Clear();
        _consoles.Clear();
        foreach (var vm in vms)
        {
            _vms[vm.Ref] = vm;
        }

        foreach (var console in consoles)
        {
            _consoles[console.Ref] = console;
        }
    }

    /// <summary>
    /// Applies one change. Snapshots are whole records, so applying an event twice (a replay after a load)
    /// leaves the same state as applying it once.
    /// </summary>
    public void Apply(XapiEvent change)
    {
        if (change.IsClass("VM"))
        {
            Apply(_vms, change, VmRecord.Parse);
        }
        else if (change.IsClass("console"))
        {
            Apply(_consoles, change, ConsoleRecord.Parse);
        }
    }

    /// <summary>
    /// Resolves <paramref name="vm"/> from the records. False when they cannot answer (an unknown VM, perhaps
    /// added a moment ago, or a console not seen yet): the caller asks XAPI. Definite failures throw exactly
    /// what <see cref="ConsoleResolver"/> throws.
    /// </summary>
    public bool TryResolve(string vm, string pool, PoolMembers hosts, int port, out ResolvedConsole? resolved)
    {
        resolved = null;
        VmRecord? record;
        if (ConsoleChoice.IsUuid(vm))
        {
            record = _vms.Values.FirstOrDefault(r => string.Equals(r.Uuid, vm, StringComparison.OrdinalIgnoreCase));
        }
        else
        {
            var named = _vms.Values.Where(r => string.Equals(r.NameLabel, vm, StringComparison.Ordinal)).ToList();
            record = named.Count == 0 ? null : ConsoleChoice.ChooseByName(vm, named, pool);
        }

        if (record is null)
        {
            return false;
        }

        ConsoleChoice.RequireRunning(record);
        foreach (var consoleRef in record.Consoles)
        {
            if (!_consoles.TryGetValue(consoleRef, out var console))
            {
                return false;
            }

            if (console.Protocol == ConsoleRecord.Rfb)
            {
                string? address = null;
                if (ConsoleChoice.NeedsResidentHost(console) && (address = hosts.Find(record.ResidentOn)?.Address) is null)
                {
                    return false; // A host not known yet: XAPI is asked.
                }

                resolved = ConsoleChoice.Resolved(record, console, address, port);
                return true;
            }
        }

        throw ConsoleChoice.NoRfbConsole(record);
    }

    private static void Apply<T>(Dictionary<string, T> table, XapiEvent change, Func<string, System.Text.Json.Nodes.JsonNode?, T> parse)
    {
        switch (change.Operation)
        {
            case XapiEvent.Del:
                table.Remove(change.Ref);
                break;
            case XapiEvent.Add or XapiEvent.Mod:
                table[change.Ref] = parse(change.Ref, change.Snapshot);
                break;
        }
    }
}
