namespace XcpTunnel.Simulator;

/// <summary>
/// Which <c>console.location</c> form a VM's consoles advertise (docs/xapi-console-protocol.md, "Console locations").
/// On an XCP-ng 8.2 pool (<see cref="SimulatedXapiVersion.XcpNg82"/>) an IPv6 host's locations are also written
/// without brackets or port, whatever the form, as xapi built them with Printf before v24.17.
/// </summary>
public enum ConsoleLocationForm
{
    /// <summary><c>https://HOST[:PORT]/console?uuid=&lt;console uuid&gt;</c> (VM consoles).</summary>
    Uuid,

    /// <summary><c>https://HOST[:PORT]/console?ref=OpaqueRef:…</c> (dom0 consoles, after a management-IP change).</summary>
    Ref,

    /// <summary><c>""</c>: the host had no address when the console was made (dbsync_master.ml).</summary>
    Empty,

    /// <summary><c>https:///console?ref=OpaqueRef:…</c>: an empty host, for consoles made before the host had an address (xapi_xenops.ml).</summary>
    EmptyHost,
}
