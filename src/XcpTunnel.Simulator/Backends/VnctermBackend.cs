using XcpTunnel.Simulator.Backends.Screens;

namespace XcpTunnel.Simulator.Backends;

/// <summary>
/// vncterm (docs/xapi-console-protocol.md, "RFB from the consoles"): greets with 3.3, accepts only a 3.3 or 3.4 reply, then u32 security type 1 (None) with
/// no SecurityResult; 640×384, 8 bpp BGR233, <c>XenServer Virtual Terminal</c>.
/// </summary>
internal sealed class VnctermBackend(Func<SimulatedVm, ConsoleScreen> openScreen)
    : RfbBackend(openScreen, RfbPixelFormat.Bgr233)
{
    public const string Name = "XenServer Virtual Terminal";

    public const int Width = 640;

    public const int Height = 384;

    /// <summary>A screen of one BGR233 colour (red bits 0–2, green 3–5, blue 6–7).</summary>
    public static SolidScreen Solid(byte colour) =>
        new(Width, Height, Expand(colour & 7, 7), Expand((colour >> 3) & 7, 7), Expand((colour >> 6) & 3, 3));

    private protected override async Task<bool> NegotiateAsync(Stream viewer, CancellationToken cancellationToken)
    {
        await viewer.WriteAsync("RFB 003.003\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        await viewer.FlushAsync(cancellationToken).ConfigureAwait(false);
        (int major, int minor) = await ReadProtocolVersionAsync(viewer, cancellationToken).ConfigureAwait(false);
        if (major != 3 || minor is not (3 or 4))
        {
            return false; // e.g. a 3.8 reply: vncterm hangs up.
        }

        await WriteU32Async(viewer, 1, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private protected override string DesktopName(SimulatedVm vm) => Name;

    private static byte Expand(int value, int max) => (byte)(value * 255 / max);
}
