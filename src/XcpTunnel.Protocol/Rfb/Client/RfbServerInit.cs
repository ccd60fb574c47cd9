namespace XcpTunnel.Protocol.Rfb.Client;

/// <summary>What the server announced in ServerInit (RFC 6143 §7.3.2).</summary>
/// <param name="Width">The framebuffer width in pixels.</param>
/// <param name="Height">The framebuffer height in pixels.</param>
/// <param name="ServerFormat">The server's native pixel format (the client then asks for <see cref="RfbPixelFormat.Rgb888"/>).</param>
/// <param name="Name">The desktop name, e.g. <c>QEMU (web01)</c> or <c>XenServer Virtual Terminal</c>.</param>
public sealed record RfbServerInit(int Width, int Height, RfbPixelFormat ServerFormat, string Name);
