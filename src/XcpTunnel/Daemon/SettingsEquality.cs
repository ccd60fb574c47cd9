using XcpTunnel.Configuration;
using XcpTunnel.Protocol.Rfb.Server;
using XcpTunnel.Protocol.Xapi.Sessions;

namespace XcpTunnel.Daemon;

/// <summary>
/// Whether a reload changed a tunnel or a pool. Written out field by field because the records' generated
/// equality compares lists, endpoints' lists, passwords and trust policies by reference: every reload would
/// otherwise look like a change of everything.
/// </summary>
/// <remarks>A new field on these types must be added here; SettingsEqualityTests lists the fields it expects.</remarks>
internal static class SettingsEquality
{
    public static bool SameTunnel(TunnelSettings a, TunnelSettings b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return string.Equals(a.Name, b.Name, StringComparison.Ordinal)
            && string.Equals(a.Pool, b.Pool, StringComparison.Ordinal)
            && string.Equals(a.Vm, b.Vm, StringComparison.Ordinal)
            && a.Listen.SequenceEqual(b.Listen)
            && string.Equals(a.ListenText, b.ListenText, StringComparison.Ordinal)
            && a.AllowRemote == b.AllowRemote
            && a.MaxConnections == b.MaxConnections
            && a.IdleTimeout == b.IdleTimeout
            && a.Hold == b.Hold
            && Equals(a.AllowUsers, b.AllowUsers)
            && SameSecurity(a.ViewerSecurity, b.ViewerSecurity)
            && a.AllowCleartext == b.AllowCleartext
            && a.UnixSocket == b.UnixSocket;
        // ProbeInterval is left out on purpose: the probe scheduler reads the current settings on every
        // tick, so a new interval takes effect without restarting the tunnel's listener. GeneratedFor (and VmDisplay,
        // made of it) too: a generated tunnel follows its VM by UUID, so a rename must not cut its viewers off.
    }

    public static bool SamePool(XapiPoolOptions a, XapiPoolOptions b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return string.Equals(a.Name, b.Name, StringComparison.Ordinal)
            && a.Url == b.Url
            && a.FallbackUrls.SequenceEqual(b.FallbackUrls)
            && string.Equals(a.UserName, b.UserName, StringComparison.Ordinal)
            && a.Password.Equals(b.Password)
            && a.Trust.TrustsSameAs(b.Trust)
            && a.Transport == b.Transport
            && string.Equals(a.Originator, b.Originator, StringComparison.Ordinal)
            && a.ConnectTimeout == b.ConnectTimeout
            && a.TlsHandshakeTimeout == b.TlsHandshakeTimeout
            && a.CallTimeout == b.CallTimeout
            && a.FailedLoginBackoff == b.FailedLoginBackoff;
    }

    public static bool SameHealth(HealthSettings a, HealthSettings b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        // ProbeInterval is left out on purpose, as for tunnels: the scheduler reads it from the current settings.
        return a.Listen.SequenceEqual(b.Listen) && a.AllowRemote == b.AllowRemote && Equals(a.AllowUsers, b.AllowUsers);
    }

    // A new password or certificate file's content is a change, like a pool's password.
    private static bool SameSecurity(RfbViewerSecurity a, RfbViewerSecurity b) =>
        Equals(a.Password, b.Password)
        && string.Equals(a.Certificate?.Thumbprint, b.Certificate?.Thumbprint, StringComparison.Ordinal);
}
