namespace XcpTunnel.Protocol.Rfb.Client;

/// <summary>The encodings the client asks for, in SetEncodings order of preference (RFC 6143 §7.7).</summary>
internal static class RfbEncoding
{
    internal const int Raw = 0;
    internal const int CopyRect = 1;
    internal const int Hextile = 5;
    internal const int Zrle = 16;

    /// <summary>Pseudo-encoding: the rectangle announces a new framebuffer size (§7.8.2).</summary>
    internal const int DesktopSize = -223;

    internal static ReadOnlySpan<int> Preferred => [Zrle, Hextile, CopyRect, Raw, DesktopSize];
}
