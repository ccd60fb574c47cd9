using System.Text.Json.Nodes;
using XcpTunnel.Protocol.Xapi.Records;
using XcpTunnel.Protocol.Xapi.Rpc;
using XcpTunnel.Protocol.Xapi.Sessions;

namespace XcpTunnel.Protocol.Xapi;

/// <summary>The typed XAPI calls XcpTunnel makes, over a pool's shared session.</summary>
public static class XapiCalls
{
    /// <summary><c>VM.get_by_uuid</c>: the VM's ref; fails with <c>UUID_INVALID</c> when there is none.</summary>
    public static async Task<string> GetVmByUuidAsync(this XapiPoolSession pool, string uuid, CancellationToken cancellationToken) =>
        (await Pool(pool).CallAsync("VM.get_by_uuid", [uuid], cancellationToken).ConfigureAwait(false)).GetXapiString("VM.get_by_uuid");

    /// <summary><c>VM.get_by_name_label</c>: every VM, template or snapshot with that name (0, 1 or many).</summary>
    public static async Task<IReadOnlyList<string>> GetVmsByNameLabelAsync(this XapiPoolSession pool, string nameLabel, CancellationToken cancellationToken) =>
        (await Pool(pool).CallAsync("VM.get_by_name_label", [nameLabel], cancellationToken).ConfigureAwait(false)).GetXapiStringArray("VM.get_by_name_label");

    /// <summary><c>VM.get_record</c>.</summary>
    public static async Task<VmRecord> GetVmRecordAsync(this XapiPoolSession pool, string vmRef, CancellationToken cancellationToken) =>
        VmRecord.Parse(vmRef, await Pool(pool).CallAsync("VM.get_record", [vmRef], cancellationToken).ConfigureAwait(false));

    /// <summary><c>VM.get_all_records</c>: every VM, template, snapshot and control domain.</summary>
    public static async Task<IReadOnlyList<VmRecord>> GetAllVmRecordsAsync(this XapiPoolSession pool, CancellationToken cancellationToken)
    {
        var all = (await Pool(pool).CallAsync("VM.get_all_records", [], VmRecords, cancellationToken).ConfigureAwait(false)).GetXapiObject("VM.get_all_records");
        return [.. all.Select(pair => VmRecord.Parse(pair.Key, pair.Value))];
    }

    /// <summary><c>console.get_record</c>.</summary>
    public static async Task<ConsoleRecord> GetConsoleRecordAsync(this XapiPoolSession pool, string consoleRef, CancellationToken cancellationToken) =>
        ConsoleRecord.Parse(consoleRef, await Pool(pool).CallAsync("console.get_record", [consoleRef], cancellationToken).ConfigureAwait(false));

    /// <summary><c>console.get_all_records</c>: every console of the pool, in one call instead of one per VM.</summary>
    public static async Task<IReadOnlyList<ConsoleRecord>> GetAllConsoleRecordsAsync(this XapiPoolSession pool, CancellationToken cancellationToken)
    {
        var all = (await Pool(pool).CallAsync("console.get_all_records", [], ConsoleRecords, cancellationToken).ConfigureAwait(false)).GetXapiObject("console.get_all_records");
        return [.. all.Select(pair => ConsoleRecord.Parse(pair.Key, pair.Value))];
    }

    /// <summary>
    /// <c>event.inject(class, ref)</c>: an artificial event on the object, returning its token: a point to follow
    /// <c>event.from</c> from without being sent every object first. (<c>event.from([], "", 0)</c> does not do that:
    /// with no classes it returns the zero token, from which the next call replays the whole pool.)
    /// </summary>
    public static async Task<string> InjectEventAsync(this XapiPoolSession pool, string cls, string objectRef, CancellationToken cancellationToken) =>
        (await Pool(pool).CallAsync("event.inject", [cls, objectRef], cancellationToken).ConfigureAwait(false)).GetXapiString("event.inject");

    /// <summary><c>pool.get_all</c>: the pool's ref (a pool has exactly one).</summary>
    public static async Task<string> GetPoolRefAsync(this XapiPoolSession pool, CancellationToken cancellationToken)
    {
        var pools = (await Pool(pool).CallAsync("pool.get_all", [], cancellationToken).ConfigureAwait(false)).GetXapiStringArray("pool.get_all");
        return pools.Count > 0
            ? pools[0]
            : throw new XapiTransportException(XapiTransportFailure.MalformedReply, "unexpected XAPI reply: pool.get_all returned no pool");
    }

    /// <summary>
    /// <c>event.from</c>: the changes to objects of <paramref name="classes"/> since <paramref name="token"/>
    /// (the empty token: every current object, as an add), waiting up to <paramref name="timeout"/> when there
    /// are none. Fails with <c>EVENTS_LOST</c> when the token is too old. Only the fields the VM, console and host
    /// records use are kept from each snapshot.
    /// </summary>
    public static async Task<XapiEventBatch> GetEventsAsync(
        this XapiPoolSession pool, IReadOnlyList<string> classes, string token, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(token);
        JsonArray classList = [.. classes.Select(c => (JsonNode?)JsonValue.Create(c))];
        // The timeout is a float on the wire; a double makes XML-RPC send <double>. A token means nothing to another
        // coordinator (its event queue starts afresh), so after a failover the call fails and the caller reloads.
        var result = await Pool(pool).CallAsync(
            "event.from", [classList, token, JsonValue.Create(timeout.TotalSeconds)], EventOptions, cancellationToken).ConfigureAwait(false);
        return XapiEventBatch.Parse(result);
    }

    /// <summary><c>host.get_name_label</c>: the host's name, as XenCenter shows it.</summary>
    public static async Task<string> GetHostNameLabelAsync(this XapiPoolSession pool, string hostRef, CancellationToken cancellationToken) =>
        (await Pool(pool).CallAsync("host.get_name_label", [hostRef], cancellationToken).ConfigureAwait(false)).GetXapiString("host.get_name_label");

    /// <summary><c>host.get_address</c>: the host's management address.</summary>
    public static async Task<string> GetHostAddressAsync(this XapiPoolSession pool, string hostRef, CancellationToken cancellationToken) =>
        (await Pool(pool).CallAsync("host.get_address", [hostRef], cancellationToken).ConfigureAwait(false)).GetXapiString("host.get_address");

    /// <summary>
    /// <c>pool.vm_console_idle_timeout</c> (xapi 26.1): how long a console may go without keyboard or mouse input
    /// before the pool closes it; zero when never, or when the pool's xapi has no such field.
    /// </summary>
    public static async Task<TimeSpan> GetVmConsoleIdleTimeoutAsync(this XapiPoolSession pool, CancellationToken cancellationToken)
    {
        var pools = (await Pool(pool).CallAsync("pool.get_all", [], cancellationToken).ConfigureAwait(false)).GetXapiStringArray("pool.get_all");
        if (pools.Count == 0)
        {
            return TimeSpan.Zero;
        }

        try
        {
            var seconds = (await pool.CallAsync("pool.get_vm_console_idle_timeout", [pools[0]], cancellationToken).ConfigureAwait(false))
                .GetXapiInt64("pool.get_vm_console_idle_timeout");
            return seconds > 0 ? TimeSpan.FromSeconds(seconds) : TimeSpan.Zero;
        }
        catch (XapiFailureException ex) when (ex.ErrorCode == XapiErrorCodes.MessageMethodUnknown)
        {
            return TimeSpan.Zero;
        }
    }

    private static readonly XapiCallOptions EventOptions = new() { RepeatOnAnotherHost = false, Result = XapiEventBatch.Shape };
    private static readonly XapiCallOptions VmRecords = new() { Result = XapiResultShape.Map(XapiResultShape.Record(VmRecord.Fields)) };
    private static readonly XapiCallOptions ConsoleRecords = new() { Result = XapiResultShape.Map(XapiResultShape.Record(ConsoleRecord.Fields)) };

    private static XapiPoolSession Pool(XapiPoolSession pool) => pool ?? throw new ArgumentNullException(nameof(pool));
}
