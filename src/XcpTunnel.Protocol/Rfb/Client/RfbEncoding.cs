namespace XcpTunnel.Protocol.Rfb.Client;

/// <summary>The encodings the client asks for, in SetEncodings order of preference (RFC 6143 §7.7).</summary>
internal static class RfbEncoding
{
    internal const int Raw = Relay.RfbEncodings.Raw;
    internal const int CopyRect = Relay.RfbEncodings.CopyRect;
    internal const int Hextile = Relay.RfbEncodings.Hextile;
    internal const int Zrle = Relay.RfbEncodings.Zrle;

    /// <summary>Pseudo-encoding: the rectangle announces a new framebuffer size (§7.8.2).</summary>
    internal const int DesktopSize = Relay.RfbEncodings.DesktopSize;

    internal static ReadOnlySpan<int> Preferred => [Zrle, Hextile, CopyRect, Raw, DesktopSize];
}
