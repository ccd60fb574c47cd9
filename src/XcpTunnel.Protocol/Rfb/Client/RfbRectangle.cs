namespace XcpTunnel.Protocol.Rfb.Client;

/// <summary>A FramebufferUpdate rectangle header (RFC 6143 §7.6.1).</summary>
internal readonly record struct RfbRectangle(int X, int Y, int Width, int Height, int Encoding);
