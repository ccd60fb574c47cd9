namespace XcpTunnel.Protocol.Rfb;

/// <summary>
/// An RFB security type (RFC 6143 §7.2 and the IANA "RFB Security Types" registry). One byte on the
/// wire; values not named here are still carried through so the caller can say which type it got.
/// </summary>
public enum RfbSecurityType : byte
{
    /// <summary>Invalid: never offered; in the 3.3 handshake it announces a failure reason.</summary>
    Invalid = 0,

    /// <summary>None: no authentication. vncterm and qemu on XenServer offer only this (docs/xapi-console-protocol.md, "RFB from the consoles").</summary>
    None = 1,

    /// <summary>VNC Authentication: a DES challenge-response with a password.</summary>
    VncAuthentication = 2,

    /// <summary>RA2 (RealVNC).</summary>
    RA2 = 5,

    /// <summary>RA2ne (RealVNC).</summary>
    RA2ne = 6,

    /// <summary>Tight (TightVNC tunnelling and authentication capabilities).</summary>
    Tight = 16,

    /// <summary>Ultra (UltraVNC).</summary>
    Ultra = 17,

    /// <summary>TLS (anonymous TLS, as in Vino).</summary>
    Tls = 18,

    /// <summary>VeNCrypt (TLS / X.509 subtypes).</summary>
    VeNCrypt = 19,

    /// <summary>SASL (GTK-VNC).</summary>
    GtkVncSasl = 20,

    /// <summary>MD5 hash authentication.</summary>
    Md5Hash = 21,

    /// <summary>xvp: Xen VNC proxy authentication with a user and a target.</summary>
    Xvp = 22,
}
