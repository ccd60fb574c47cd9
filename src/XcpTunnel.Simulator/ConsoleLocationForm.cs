namespace XcpTunnel.Simulator;

/// <summary>Which of the two <c>console.location</c> forms a VM's consoles advertise (XAPI.md §2).</summary>
public enum ConsoleLocationForm
{
    /// <summary><c>https://HOST[:PORT]/console?uuid=&lt;console uuid&gt;</c> (VM consoles).</summary>
    Uuid,

    /// <summary><c>https://HOST[:PORT]/console?ref=OpaqueRef:…</c> (dom0 consoles, after a management-IP change).</summary>
    Ref,
}
