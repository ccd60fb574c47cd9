namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>
/// The ways RFC 6143 gives a server to turn a viewer away with a reason, as <see cref="ScriptedRfbServer"/>
/// plays them. Which one a viewer shows its user is what the end-to-end viewer tests find out.
/// </summary>
public enum RfbRefusal
{
    /// <summary>
    /// (a) The RFB 3.3 form (§7.1.2 of the 3.3 spec, kept in RFC 6143 Appendix A): U32 security-type 0,
    /// U32 reason-length, reason. Sent as-is whatever version the viewer replied.
    /// </summary>
    SecurityTypeZero,

    /// <summary>(b) 3.7/3.8 (§7.1.2): U8 number-of-security-types 0, U32 reason-length, reason. Sent as-is.</summary>
    NoSecurityTypes,

    /// <summary>
    /// (c) Offer None (1) alone; once the viewer picks it, SecurityResult failed (§7.1.3): U32 1, and for
    /// 3.8 U32 reason-length, reason. To a 3.3 viewer the server names None (U32 1) and closes: 3.3 has no
    /// SecurityResult after None, so nothing can carry a reason.
    /// </summary>
    FailedResultAfterNone,

    /// <summary>
    /// (c) Offer VNC Authentication (2) alone; send a 16-byte challenge, read the 16-byte response, then
    /// SecurityResult failed, with the reason for 3.8 (3.3 and 3.7 get U32 1 alone).
    /// </summary>
    FailedResultAfterVncAuth,
}
