using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using XcpTunnel.Protocol.Tests.Support;
using XcpTunnel.Protocol.Rfb.Client;
using XcpTunnel.Simulator;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.Tunnels;

/// <summary>
/// A tunnel with HoldSeconds keeps its viewer across the console's end (docs/rfb.md, "Holding a viewer across a
/// console swap"): the repository's RFB client, decoding everything it receives, is the viewer.
/// </summary>
public sealed class HoldTests
{
    private const uint Green = 0x2E7D32;
    private const uint Red = 0xC62828;
    private const uint StatusBlue = 0x102048;

    [Fact]
    public async Task Reboot_OntoAnotherBackendOfAnotherSize_TheSameViewerSeesTheNewScreen()
    {
        await using var fixture = await TunnelFixture.StartAsync();
        var vm = fixture.Pool.AddVm("web01", backend: ConsoleBackend.Qemu(rgb: (int)Green, width: 800, height: 600));
        await using var viewer = await ConnectAsync(fixture);
        Assert.Equal(Green, (await viewer.ReadFullFramebufferAsync(CancellationToken.None).Bounded()).DominantColour());

        fixture.Pool.Reboot(vm, ConsoleBackend.Qemu(rgb: (int)Red, width: 1024, height: 768), consolesAfter: TimeSpan.FromSeconds(2));

        // Meanwhile (two seconds without a console) the viewer's requests are answered with the countdown.
        var statusSeen = false;
        var seen = await UntilAsync(viewer, Red, onOther: s => statusSeen |= s.DominantColour() == StatusBlue);
        Assert.Equal((1024, 768), (seen.Width, seen.Height));
        Assert.True(statusSeen);
        await fixture.WaitForLogAsync("swapped the console of VM web01");
    }

    [Fact]
    public async Task Migrate_ToTheOtherHost_TheSameViewerSeesTheConsoleThere()
    {
        await using var fixture = await TunnelFixture.StartAsync(hosts: 2);
        var vm = fixture.Pool.AddVm("web01", backend: ConsoleBackend.Qemu(rgb: (int)Green, width: 640, height: 480));
        await using var viewer = await ConnectAsync(fixture);
        await viewer.ReadFullFramebufferAsync(CancellationToken.None).Bounded();

        fixture.Pool.Migrate(vm, fixture.Pool.Hosts[1]);

        var screen = await UntilAsync(viewer, Green);
        Assert.Equal((640, 480), (screen.Width, screen.Height));
        var line = await fixture.WaitForLogAsync("swapped the console of VM web01");
        Assert.Contains($"({fixture.Pool.Hosts[0].Address}:{fixture.Pool.Port} -> {fixture.Pool.Hosts[1].Address}:{fixture.Pool.Port})", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reboot_PvConsoleAt8Bpp_TheViewerGetsTheNewConsole()
    {
        await using var fixture = await TunnelFixture.StartAsync();
        var vm = fixture.Pool.AddVm("pv01", backend: ConsoleBackend.Vncterm(0x07));
        await using var viewer = await ConnectAsync(fixture, "pv01");
        Assert.Equal(0xFF0000u, (await viewer.ReadFullFramebufferAsync(CancellationToken.None).Bounded()).DominantColour());

        fixture.Pool.Reboot(vm, ConsoleBackend.Vncterm(0x38), consolesAfter: TimeSpan.FromSeconds(1));

        var screen = await UntilAsync(viewer, 0x00FF00);
        Assert.Equal((640, 384), (screen.Width, screen.Height));
    }

    [Fact]
    public async Task ConsoleCutMidUpdate_TheViewerDecodesWholeMessagesAndGetsTheScreenBack()
    {
        await using var fixture = await TunnelFixture.StartAsync();
        fixture.Pool.AddVm("web01", backend: ConsoleBackend.Qemu(rgb: (int)Green, width: 800, height: 600));
        await using var viewer = await ConnectAsync(fixture);
        await viewer.ReadFullFramebufferAsync(CancellationToken.None).Bounded();

        // 4 + 12 header bytes, then part of the pixels: the console's domain goes away in the middle of the rectangle.
        fixture.Pool.Faults.CutNextUpdate(16 + 1001);

        // Every update the client decodes is whole (a half message would throw or misread); the screen comes back.
        var screen = await UntilAsync(viewer, Green);
        Assert.Equal((800, 600), (screen.Width, screen.Height));
        await fixture.WaitForLogAsync("bytes finished it for the viewer");
        await fixture.WaitForLogAsync("swapped the console of VM web01");
    }

    [Fact]
    public async Task VmHalted_TheViewerIsToldAndClosed()
    {
        await using var fixture = await TunnelFixture.StartAsync();
        var vm = fixture.Pool.AddVm("web01", backend: ConsoleBackend.Qemu(rgb: (int)Green, width: 320, height: 200));
        await using var viewer = await ConnectAsync(fixture);
        await viewer.ReadFullFramebufferAsync(CancellationToken.None).Bounded();

        fixture.Pool.SetPowerState(vm, SimulatedPowerState.Halted);

        var ended = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            while (true)
            {
                await viewer.ReadFullFramebufferAsync(CancellationToken.None).Bounded();
            }
        });
        Assert.IsNotType<TimeoutException>(ended);
        var line = await fixture.WaitForLogAsync("VM 'web01' is Halted");
        Assert.Contains("console_closed", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CtrlAltDel_TheGuestReboots_TheSameViewerSeesTheBootTextThenTheCard()
    {
        await using var fixture = await TunnelFixture.StartAsync();
        var vm = fixture.Pool.AddVm("web01", backend: ConsoleBackend.QemuTestCard());
        fixture.Pool.RebootOnCtrlAltDel(vm, consolesAfter: TimeSpan.FromMilliseconds(500));
        var (viewer, stream) = await ConnectRawAsync(fixture);
        await using var _ = viewer;
        var card = await viewer.ReadFullFramebufferAsync(CancellationToken.None).Bounded();
        Assert.Equal(White, card[card.Width / 16, card.Height / 4]);

        // As TigerVNC sends it: Control_L and Alt_L down, Delete down and up, then the modifiers up.
        await stream.WriteAsync(KeyEvents((true, 0xFFE3), (true, 0xFFE9), (true, 0xFFFF), (false, 0xFFFF), (false, 0xFFE9), (false, 0xFFE3))).Bounded();

        // The first bar's place goes black with the firmware's white text at the top left, then the card is back.
        var boot = await UntilAsync(viewer, s => s[s.Width / 16, s.Height / 4] == 0 && HasWhiteNearTopLeft(s));
        Assert.Equal((card.Width, card.Height), (boot.Width, boot.Height));
        await UntilAsync(viewer, s => s[s.Width / 16, s.Height / 4] == White);
        Assert.NotNull(vm.BootedAt);
        await fixture.WaitForLogAsync("swapped the console of VM web01");
    }

    [Fact]
    public async Task ConsoleNeverComesBack_TheViewerIsClosedAtTheHoldTime_NotBefore()
    {
        await using var fixture = await TunnelFixture.StartAsync();
        var clock = new FakeTimeProvider();
        fixture.Time = clock;
        var vm = fixture.Pool.AddVm("web01", backend: ConsoleBackend.Qemu(rgb: (int)Green, width: 64, height: 32));
        var (viewer, stream) = await ConnectRawAsync(fixture);
        await using var _ = viewer;
        await viewer.ReadFullFramebufferAsync(CancellationToken.None).Bounded();

        // The domain is rebuilt but its console never appears (on the pool's own clock, a day later).
        fixture.Pool.Reboot(vm, consolesAfter: TimeSpan.FromDays(1));

        // The viewer takes everything it is sent (status frames) until the tunnel closes it.
        var closed = stream.CopyToAsync(Stream.Null);
        var waited = await FakeClock.AdvanceUntilDoneAsync(clock, closed, TimeSpan.FromMilliseconds(250));

        // Not before the hold time; the clock steps on while each retry's dial takes real time, hence the margin (the
        // hold's last deadline is the hold time plus a message's).
        Assert.InRange(waited, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(31) + fixture.Timeouts.RfbMessage);
        await fixture.WaitForLogAsync("did not come back within 30 s");
    }

    [Fact]
    public async Task ViewerSendsEof_TheConsoleIsHalfClosedAndEndsTheConnection_NobodyIsHeld()
    {
        await using var fixture = await TunnelFixture.StartAsync();
        fixture.Pool.AddVm("web01", backend: ConsoleBackend.Qemu(rgb: (int)Green, width: 64, height: 32));
        var (viewer, stream) = await ConnectRawAsync(fixture);
        await using var _ = viewer;
        await viewer.ReadFullFramebufferAsync(CancellationToken.None).Bounded();

        stream.Socket.Shutdown(SocketShutdown.Send);

        // As through the plain splice: the console reads EOF and closes, then the viewer reads EOF in turn.
        var buffer = new byte[4096];
        while (await stream.ReadAsync(buffer).AsTask().Bounded() > 0)
        {
        }

        await fixture.WaitForLogAsync("outcome viewer_closed");
        Assert.DoesNotContain(fixture.Logs.Lines, line => line.Contains("holding the viewer", StringComparison.Ordinal));
    }

    private const uint White = 0xFFFFFF;

    private static bool HasWhiteNearTopLeft(RfbFramebuffer screen)
    {
        for (int y = 0; y < 40; y++)
        {
            for (int x = 0; x < 200; x++)
            {
                if (screen[x, y] == White)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static byte[] KeyEvents(params (bool Down, uint Keysym)[] keys)
    {
        var bytes = new byte[8 * keys.Length];
        for (int i = 0; i < keys.Length; i++)
        {
            bytes[8 * i] = 4;
            bytes[(8 * i) + 1] = keys[i].Down ? (byte)1 : (byte)0;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan((8 * i) + 4), keys[i].Keysym);
        }

        return bytes;
    }

    private static async Task<RfbClient> ConnectAsync(TunnelFixture fixture, string vm = "web01") => (await ConnectRawAsync(fixture, vm)).Viewer;

    // The client, and its stream for what the client does not send itself (keys); written only between its reads.
    private static async Task<(RfbClient Viewer, NetworkStream Stream)> ConnectRawAsync(TunnelFixture fixture, string vm = "web01")
    {
        var tunnel = fixture.StartTunnel(vm, configure: s => s with { Hold = TimeSpan.FromSeconds(30) });
        var tcp = new TcpClient();
        await tcp.ConnectAsync(tunnel.EndPoints[0] as System.Net.IPEndPoint ?? throw new InvalidOperationException()).Bounded();
        var stream = tcp.GetStream();
        var viewer = await RfbClient.ConnectAsync(stream, new RfbClientOptions { OwnsStream = true, MessageTimeout = TestTimeouts.Default }, CancellationToken.None).Bounded();
        return (viewer, stream);
    }

    // Full updates until one satisfies `wanted`; everything in between is decoded too.
    private static async Task<RfbFramebuffer> UntilAsync(RfbClient viewer, Func<RfbFramebuffer, bool> wanted)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var screen = await viewer.ReadFullFramebufferAsync(CancellationToken.None).Bounded();
            if (wanted(screen))
            {
                return screen;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the viewer still sees {screen.DominantColour():X6}");
            await Task.Delay(100);
        }
    }

    // Full updates until the screen is mostly `colour`; everything in between (status frames, padded updates) is decoded too.
    private static Task<RfbFramebuffer> UntilAsync(RfbClient viewer, uint colour, Action<RfbFramebuffer>? onOther = null) =>
        UntilAsync(viewer, screen =>
        {
            if (screen.DominantColour() == colour)
            {
                return true;
            }

            onOther?.Invoke(screen);
            return false;
        });
}
