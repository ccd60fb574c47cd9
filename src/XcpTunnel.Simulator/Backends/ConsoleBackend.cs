using XcpTunnel.Simulator.Backends;
using XcpTunnel.Simulator.Backends.Screens;

namespace XcpTunnel.Simulator;

/// <summary>
/// What answers on the far side of a VM's CONNECT tunnel: the VNC server xapi would splice to. The built-in
/// backends behave like vncterm (PV guests, dom0 text) and qemu (HVM guests); <see cref="Tcp"/> forwards to a
/// real RFB server and <see cref="Custom"/> runs any code.
/// </summary>
public abstract class ConsoleBackend
{
    /// <summary>
    /// How long after the VM rebooted or started a test card's console shows boot text: the domain's build (no console
    /// yet), then a BIOS and a boot loader's few seconds.
    /// </summary>
    public static readonly TimeSpan BootSeconds = TimeSpan.FromSeconds(4);

    private protected ConsoleBackend()
    {
    }

    /// <summary>
    /// A vncterm-like server: greets with <c>RFB 003.003</c>, accepts only a 3.3 or 3.4 reply (closes on 3.8),
    /// security type None with no SecurityResult, a 640×384 8-bpp true-colour framebuffer named
    /// <c>XenServer Virtual Terminal</c>, filled with one colour.
    /// </summary>
    /// <param name="colour">The fill colour as a pixel of the server's BGR233 format (red bits 0–2, green 3–5, blue 6–7).</param>
    public static ConsoleBackend Vncterm(byte colour = 0x88)
    {
        SolidScreen screen = VnctermBackend.Solid(colour);
        return new VnctermBackend(_ => screen);
    }

    /// <summary>
    /// A qemu-like server: greets with <c>RFB 003.008</c>, accepts 3.3, 3.7 and 3.8, security type None, a
    /// 32-bpp framebuffer named <c>QEMU (&lt;vm name&gt;)</c> filled with one colour. A ClientInit with shared-flag 0
    /// disconnects every other viewer of the same VM on this backend.
    /// </summary>
    /// <param name="rgb">The fill colour as 0xRRGGBB.</param>
    /// <param name="width">Framebuffer width in pixels (1–4096).</param>
    /// <param name="height">Framebuffer height in pixels (1–4096).</param>
    public static ConsoleBackend Qemu(int rgb = 0x2E7D32, int width = 1024, int height = 768)
    {
        var screen = new SolidScreen(width, height, (byte)(rgb >> 16), (byte)(rgb >> 8), (byte)rgb);
        return new QemuBackend(_ => screen);
    }

    /// <summary>
    /// A qemu-like server (as <see cref="Qemu"/>) drawing a test card: eight colour bars (white, yellow, cyan,
    /// green, magenta, red, blue, black) over the top half, then the VM's name and an <c>HH:MM:SS</c> clock that a
    /// viewer asking for incremental updates sees change every second.
    /// </summary>
    /// <remarks>For <see cref="BootSeconds"/> after the VM's <see cref="SimulatedVm.BootedAt"/> it shows a firmware's boot text instead.</remarks>
    /// <param name="timeProvider">The clock's time source (local time); default the system clock.</param>
    /// <param name="width">Framebuffer width in pixels (64–4096).</param>
    /// <param name="height">Framebuffer height in pixels (32–4096).</param>
    public static ConsoleBackend QemuTestCard(TimeProvider? timeProvider = null, int width = 800, int height = 600)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 64);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 32);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, ConsoleScreen.MaxDimension);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, ConsoleScreen.MaxDimension);
        TimeProvider time = timeProvider ?? TimeProvider.System;
        return new QemuBackend(vm => new TestCardScreen(width, height, vm.NameLabel, time, vm.BootedAt + BootSeconds));
    }

    /// <summary>
    /// A vncterm-like server (as <see cref="Vncterm"/>: RFB 3.3 only, 640×384, 8 bpp BGR233) drawing the test card
    /// of <see cref="QemuTestCard"/>. Its colours are exact in BGR233.
    /// </summary>
    /// <param name="timeProvider">The clock's time source (local time); default the system clock.</param>
    public static ConsoleBackend VnctermTestCard(TimeProvider? timeProvider = null)
    {
        TimeProvider time = timeProvider ?? TimeProvider.System;
        return new VnctermBackend(vm => new TestCardScreen(VnctermBackend.Width, VnctermBackend.Height, vm.NameLabel, time, vm.BootedAt + BootSeconds));
    }

    /// <summary>
    /// A qemu-like handshake (as <see cref="Qemu"/>: RFB 3.8, None, ClientInit, a <paramref name="width"/>×<paramref name="height"/>
    /// ServerInit), then <paramref name="session"/> on the stream instead of RFB messages: consoles that carry test
    /// data (echo, bulk transfers) through a tunnel that checks the handshake.
    /// </summary>
    /// <param name="session">Receives the stream after ServerInit and a token cancelled when the tunnel must close.</param>
    /// <param name="width">Framebuffer width announced (1–4096).</param>
    /// <param name="height">Framebuffer height announced (1–4096).</param>
    public static ConsoleBackend QemuThen(Func<Stream, CancellationToken, Task> session, int width = 64, int height = 64)
    {
        ArgumentNullException.ThrowIfNull(session);
        var screen = new SolidScreen(width, height, 0, 0, 0);
        return new QemuBackend(_ => screen, session);
    }

    /// <summary>Forwards the tunnel over plain TCP to a real RFB server (e.g. Xvnc); a refused connection shows as 200 then EOF.</summary>
    /// <param name="host">Host name or address of the RFB server.</param>
    /// <param name="port">Its TCP port.</param>
    public static ConsoleBackend Tcp(string host, int port) => new TcpBackend(host, port);

    /// <summary>Runs <paramref name="serve"/> on the tunnel stream (after the 200); the tunnel closes when it returns.</summary>
    /// <param name="serve">Receives the viewer's byte stream and a token cancelled when the tunnel must close.</param>
    public static ConsoleBackend Custom(Func<Stream, CancellationToken, Task> serve) => new CustomBackend(serve);

    /// <summary>Serves one viewer until either side closes. <paramref name="viewer"/> is owned by the caller.</summary>
    internal abstract Task ServeAsync(Stream viewer, SimulatedVm vm, CancellationToken cancellationToken);
}
