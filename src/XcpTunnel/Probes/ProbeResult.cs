using XcpTunnel.Protocol.Rfb.Client;

namespace XcpTunnel.Probes;

/// <summary>What one probe found.</summary>
/// <param name="Target">What was probed, as the user named it (a tunnel, <c>host:port</c>, a VM).</param>
/// <param name="Status">The verdict.</param>
/// <param name="Reason">One line for a person: the picture found, or what went wrong.</param>
/// <param name="Stages">The completed stages in order; a failed probe has those before the failure.</param>
/// <param name="Total">From start to verdict.</param>
/// <param name="Screen">What the console showed, when the probe got that far.</param>
internal sealed record ProbeResult(
    string Target, ProbeStatus Status, string Reason, IReadOnlyList<ProbeStage> Stages, TimeSpan Total, ProbeScreen? Screen)
{
    /// <summary>OK and WARNING: the console answered with a picture.</summary>
    public bool IsUp => Status is ProbeStatus.Ok or ProbeStatus.Warning;

    /// <summary>A probe that could not run at all (configuration, arguments).</summary>
    public static ProbeResult Unknown(string target, string reason) =>
        new(target, ProbeStatus.Unknown, reason, [], TimeSpan.Zero, null);
}

/// <summary>The console's desktop as the probe saw it.</summary>
/// <param name="DesktopName">ServerInit's name, e.g. <c>QEMU (web01)</c>.</param>
/// <param name="Framebuffer">The full screen, read once.</param>
/// <param name="SingleColour">Whether every pixel has the same colour (a blank or hung console, often).</param>
/// <param name="DominantColour">The most frequent colour, 0xRRGGBB.</param>
internal sealed record ProbeScreen(string DesktopName, RfbFramebuffer Framebuffer, bool SingleColour, uint DominantColour)
{
    public int Width => Framebuffer.Width;

    public int Height => Framebuffer.Height;

    /// <summary><c>#rrggbb</c>, as X and CSS write colours.</summary>
    public static string Hex(uint colour) => $"#{colour & 0xFFFFFF:x6}";

    public static ProbeScreen Of(string desktopName, RfbFramebuffer framebuffer)
    {
        ArgumentNullException.ThrowIfNull(framebuffer);
        var single = framebuffer.IsSingleColour(out var colour);
        return new ProbeScreen(desktopName, framebuffer, single, single ? colour : framebuffer.DominantColour());
    }
}
