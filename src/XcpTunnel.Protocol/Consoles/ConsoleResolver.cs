using XcpTunnel.Protocol.Xapi;
using XcpTunnel.Protocol.Xapi.Records;
using XcpTunnel.Protocol.Xapi.Sessions;

namespace XcpTunnel.Protocol.Consoles;

/// <summary>
/// Finds a VM by UUID or name and its RFB console, through the pool's shared session. Resolves on
/// every call: consoles are destroyed and recreated on reboot and migration (docs/xapi-console-protocol.md).
/// </summary>
public sealed class ConsoleResolver(XapiPoolSession pool) : IConsoleResolver
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
        ConsoleChoice.RequireRunning(record);
        foreach (var consoleRef in record.Consoles)
        {
            var console = await Pool.GetConsoleRecordAsync(consoleRef, cancellationToken).ConfigureAwait(false);
            if (console.Protocol == ConsoleRecord.Rfb)
            {
                var address = ConsoleChoice.NeedsResidentHost(console)
                    ? await ResidentAddressAsync(record, cancellationToken).ConfigureAwait(false)
                    : null;
                return ConsoleChoice.Resolved(record, console, address, Pool.ConsolePort);
            }
        }

        throw ConsoleChoice.NoRfbConsole(record);
    }

    // The pool's host records usually know it already; a host that joined since the last login is asked for.
    private async Task<string?> ResidentAddressAsync(VmRecord record, CancellationToken cancellationToken)
    {
        if (record.ResidentOn == VmRecord.NullRef)
        {
            return null;
        }

        return Pool.Members.Find(record.ResidentOn)?.Address
            ?? await Pool.GetHostAddressAsync(record.ResidentOn, cancellationToken).ConfigureAwait(false);
    }

    private async Task<VmRecord> FindVmAsync(string vm, CancellationToken cancellationToken)
    {
        if (ConsoleChoice.IsUuid(vm))
        {
            try
            {
                var reference = await Pool.GetVmByUuidAsync(vm, cancellationToken).ConfigureAwait(false);
                return await Pool.GetVmRecordAsync(reference, cancellationToken).ConfigureAwait(false);
            }
            catch (XapiFailureException ex) when (ex.ErrorCode == XapiErrorCodes.UuidInvalid)
            {
                throw ConsoleChoice.UuidNotFound(vm, Pool.Options.Name);
            }
        }

        var references = await Pool.GetVmsByNameLabelAsync(vm, cancellationToken).ConfigureAwait(false);
        var records = new List<VmRecord>(references.Count);
        foreach (var reference in references)
        {
            records.Add(await Pool.GetVmRecordAsync(reference, cancellationToken).ConfigureAwait(false));
        }

        return ConsoleChoice.ChooseByName(vm, records, Pool.Options.Name);
    }
}
