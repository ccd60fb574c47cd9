namespace XcpTunnel.Simulator;

/// <summary>
/// Which xapi the simulated hosts run. Where real versions differ in something a client must cope with, the pool
/// behaves as that version does (docs/xapi-console-protocol.md names each difference).
/// </summary>
public enum SimulatedXapiVersion
{
    /// <summary>
    /// xapi 1.249 (XCP-ng 8.2, Citrix Hypervisor 8.2): errors before dispatch without the <c>jsonrpc</c> member,
    /// <c>Certificate.fingerprint</c> (no <c>fingerprint_sha256</c>), host certificates with DNS names only, IPv6
    /// console locations without brackets.
    /// </summary>
    XcpNg82,

    /// <summary>xapi 24.19 (XCP-ng 8.3): <c>fingerprint_sha256</c>, certificates naming the IP too, bracketed IPv6.</summary>
    XcpNg83,

    /// <summary>
    /// xapi 26.1 (XenServer 8, 2026): as 24.19, plus the console idle timeout
    /// (<c>pool.vm_console_idle_timeout</c>, <c>host.console_idle_timeout</c>).
    /// </summary>
    XenServer8,
}
