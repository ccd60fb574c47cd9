using XcpTunnel.Protocol.Xapi;
using XcpTunnel.Protocol.Xapi.Records;
using XcpTunnel.Protocol.Xapi.Sessions;

namespace XcpTunnel.Protocol.Consoles;

/// <summary>
/// Finds a VM by UUID or name and its RFB console, through the pool's shared session. Resolves on
/// every call: consoles are destroyed and recreated on reboot and migration (XAPI.md §2).
/// </summary>
public sealed class ConsoleResolver(XapiPoolSession pool)
{
    /// <summary>The pool this resolver asks.</summary>
    public XapiPoolSession Pool { get; } = pool ?? throw new ArgumentNullException(nameof(pool));

    /// <summary>Resolves <paramref name="vm"/>: a UUID (recognised by its format) or a name-label.</summary>
    /// <exception cref="ConsoleResolutionException">No such VM, several, not running, or no rfb console.</exception>
    public async Task<ResolvedConsole> ResolveAsync(string vm, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(vm);
        try
        {
            return await ResolveOnceAsync(vm, cancellationToken).ConfigureAwait(false);
        }
        catch (XapiFailureException ex) when (ex.ErrorCode == XapiErrorCodes.HandleInvalid)
        {
            // A console or VM vanished between two calls (a reboot or migration just then): start over once.
            return await ResolveOnceAsync(vm, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<ResolvedConsole> ResolveOnceAsync(string vm, CancellationToken cancellationToken)
    {
        var record = await FindVmAsync(vm, cancellationToken).ConfigureAwait(false);
        if (record.PowerState != VmRecord.Running)
        {
            throw new ConsoleResolutionException(ConsoleResolutionFailure.VmNotRunning, $"VM '{record.NameLabel}' is {record.PowerState}")
            {
                PowerState = record.PowerState,
            };
        }

        foreach (var consoleRef in record.Consoles)
        {
            var console = await Pool.GetConsoleRecordAsync(consoleRef, cancellationToken).ConfigureAwait(false);
            if (console.Protocol != ConsoleRecord.Rfb)
            {
                continue;
            }

            return ConsoleLocation.TryParse(console.Location, out var location)
                ? new ResolvedConsole(record, console, location)
                : throw new ConsoleResolutionException(
                    ConsoleResolutionFailure.MalformedLocation,
                    $"XAPI gave VM '{record.NameLabel}' a console location that is not a URL: '{console.Location}'");
        }

        throw new ConsoleResolutionException(
            ConsoleResolutionFailure.NoRfbConsole, $"VM '{record.NameLabel}' has no VNC (rfb) console");
    }

    private async Task<VmRecord> FindVmAsync(string vm, CancellationToken cancellationToken)
    {
        if (Guid.TryParseExact(vm, "D", out _))
        {
            try
            {
                var reference = await Pool.GetVmByUuidAsync(vm, cancellationToken).ConfigureAwait(false);
                return await Pool.GetVmRecordAsync(reference, cancellationToken).ConfigureAwait(false);
            }
            catch (XapiFailureException ex) when (ex.ErrorCode == XapiErrorCodes.UuidInvalid)
            {
                throw new ConsoleResolutionException(
                    ConsoleResolutionFailure.VmNotFound, $"no VM with UUID {vm} in pool {Pool.Options.Name}");
            }
        }

        var references = await Pool.GetVmsByNameLabelAsync(vm, cancellationToken).ConfigureAwait(false);
        if (references.Count == 1)
        {
            return await Pool.GetVmRecordAsync(references[0], cancellationToken).ConfigureAwait(false);
        }

        if (references.Count == 0)
        {
            throw new ConsoleResolutionException(
                ConsoleResolutionFailure.VmNotFound, $"no VM named '{vm}' in pool {Pool.Options.Name}");
        }

        // Templates and snapshots share names with the VM made from them; they never have a console.
        var records = new List<VmRecord>(references.Count);
        foreach (var reference in references)
        {
            records.Add(await Pool.GetVmRecordAsync(reference, cancellationToken).ConfigureAwait(false));
        }

        var vms = records.Where(r => !r.IsTemplate && !r.IsSnapshot).ToList();
        if (vms.Count == 1)
        {
            return vms[0];
        }

        var candidates = (vms.Count == 0 ? records : vms).Select(r => r.Uuid).Order(StringComparer.Ordinal).ToArray();
        throw new ConsoleResolutionException(
            ConsoleResolutionFailure.VmAmbiguous,
            $"VM name '{vm}' matches {candidates.Length} VMs in pool {Pool.Options.Name}: {string.Join(", ", candidates)}; use a UUID")
        {
            CandidateUuids = candidates,
        };
    }
}
