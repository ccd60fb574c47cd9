using XcpTunnel.Protocol.Xapi.Records;

namespace XcpTunnel.Protocol.Consoles;

/// <summary>
/// The rules that turn VM and console records into an answer or an error, shared by the RPC resolver and the
/// cache so that both say exactly the same thing for the same pool.
/// </summary>
internal static class ConsoleChoice
{
    /// <summary>A VM reference is recognised as a UUID by its format, anything else is a name-label.</summary>
    public static bool IsUuid(string vm) => Guid.TryParseExact(vm, "D", out _);

    public static ConsoleResolutionException UuidNotFound(string uuid, string pool) =>
        new(ConsoleResolutionFailure.VmNotFound, $"no VM with UUID {uuid} in pool {pool}");

    /// <summary>
    /// Picks the VM among every record whose name-label is <paramref name="name"/>: one match is the VM; with
    /// several, templates and snapshots (which share names with the VMs made from them) are dropped first.
    /// </summary>
    public static VmRecord ChooseByName(string name, IReadOnlyList<VmRecord> records, string pool)
    {
        if (records.Count == 1)
        {
            return records[0];
        }

        if (records.Count == 0)
        {
            throw new ConsoleResolutionException(ConsoleResolutionFailure.VmNotFound, $"no VM named '{name}' in pool {pool}");
        }

        var vms = records.Where(r => !r.IsTemplate && !r.IsSnapshot).ToList();
        if (vms.Count == 1)
        {
            return vms[0];
        }

        var candidates = (vms.Count == 0 ? records : vms).Select(r => r.Uuid).Order(StringComparer.Ordinal).ToArray();
        throw new ConsoleResolutionException(
            ConsoleResolutionFailure.VmAmbiguous,
            $"VM name '{name}' matches {candidates.Length} VMs in pool {pool}: {string.Join(", ", candidates)}; use a UUID")
        {
            CandidateUuids = candidates,
        };
    }

    /// <summary>A VM that is not Running has no console to connect to.</summary>
    public static void RequireRunning(VmRecord record)
    {
        if (record.PowerState != VmRecord.Running)
        {
            throw new ConsoleResolutionException(ConsoleResolutionFailure.VmNotRunning, $"VM '{record.NameLabel}' is {record.PowerState}")
            {
                PowerState = record.PowerState,
            };
        }
    }

    /// <summary>Whether the console's location is a URI; when not, the console is on the VM's resident host.</summary>
    public static bool NeedsResidentHost(ConsoleRecord console) => !ConsoleLocation.TryParse(console.Location, out _);

    /// <summary>
    /// The answer for the VM's first rfb console (in <c>VM.consoles</c> order). A location that is not a URI is placed
    /// on <paramref name="residentAddress"/>, the address of the host the VM runs on, at <paramref name="port"/>.
    /// </summary>
    public static ResolvedConsole Resolved(VmRecord record, ConsoleRecord console, string? residentAddress, int port)
    {
        if (ConsoleLocation.TryParse(console.Location, out var location))
        {
            return new ResolvedConsole(record, console, location);
        }

        return residentAddress is not null
            ? new ResolvedConsole(record, console, ConsoleLocation.OnResidentHost(console.Location, console.Ref, residentAddress, port))
            : throw new ConsoleResolutionException(
                ConsoleResolutionFailure.MalformedLocation,
                $"XAPI gave VM '{record.NameLabel}' a console location that is not a URL ('{console.Location}') and the address of its host is unknown");
    }

    /// <summary>
    /// A running VM without an rfb console: none at all yet (its consoles appear a moment after it goes Running, while
    /// the domain is built), or consoles of other protocols only.
    /// </summary>
    public static ConsoleResolutionException NoRfbConsole(VmRecord record) =>
        record.Consoles.Count == 0
            ? new(ConsoleResolutionFailure.ConsoleNotReady, $"VM '{record.NameLabel}' is running but has no console yet; it may still be starting")
            : new(ConsoleResolutionFailure.NoRfbConsole, $"VM '{record.NameLabel}' has no VNC (rfb) console");
}
