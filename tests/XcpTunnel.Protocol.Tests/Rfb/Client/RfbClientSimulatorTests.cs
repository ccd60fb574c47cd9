using XcpTunnel.Protocol.Consoles;
using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Protocol.Rfb.Client;
using XcpTunnel.Protocol.Tests.Support;
using XcpTunnel.Simulator;
using static XcpTunnel.Protocol.Tests.Rfb.Client.RfbClientTestSupport;

namespace XcpTunnel.Protocol.Tests.Rfb.Client;

/// <summary>The client against the simulator's qemu and vncterm backends, reached through the console dialer.</summary>
public sealed class RfbClientSimulatorTests
{
    [Theory]
    [InlineData(800, 600)]
    [InlineData(1024, 768)]
    public async Task ReadFull_QemuBackend_IsTheBackendsColourAndSize(int width, int height)
    {
        await using var fixture = await PoolFixture.StartAsync();
        fixture.Pool.AddVm("web01", backend: ConsoleBackend.Qemu(rgb: 0x2E7D32, width: width, height: height));
        var dialer = new ConsoleDialer(fixture.Session());
        await using var connection = await dialer.DialAsync("web01", CancellationToken.None).Bounded();

        await using var client = await RfbClient.ConnectAsync(connection.Stream, Options, CancellationToken.None).Bounded();
        var screen = await client.ReadFullFramebufferAsync(CancellationToken.None).Bounded();

        Assert.Equal(RfbProtocolVersion.V3_8, client.Version);
        Assert.Equal("QEMU (web01)", client.ServerInit.Name);
        Assert.Equal((width, height), (screen.Width, screen.Height));
        Assert.True(screen.IsSingleColour(out uint colour));
        Assert.Equal(0x2E7D32u, colour);
    }

    [Fact]
    public async Task ReadFull_VnctermBackend_Speaks33AndConvertsBgr233()
    {
        await using var fixture = await PoolFixture.StartAsync();
        const byte bgr233 = 0x88;
        fixture.Pool.AddVm("pv01", backend: ConsoleBackend.Vncterm(bgr233));
        var dialer = new ConsoleDialer(fixture.Session());
        await using var connection = await dialer.DialAsync("pv01", CancellationToken.None).Bounded();

        await using var client = await RfbClient.ConnectAsync(connection.Stream, Options, CancellationToken.None).Bounded();
        var screen = await client.ReadFullFramebufferAsync(CancellationToken.None).Bounded();

        Assert.Equal(RfbProtocolVersion.V3_3, client.Version);
        Assert.Equal(8, client.ServerInit.ServerFormat.BitsPerPixel);
        Assert.Equal((640, 384), (screen.Width, screen.Height));
        // BGR233: red bits 0–2, green 3–5, blue 6–7, each scaled to 0–255.
        uint expected = (uint)(((bgr233 & 7) * 255 / 7) << 16 | (((bgr233 >> 3) & 7) * 255 / 7) << 8 | ((bgr233 >> 6) * 255 / 3));
        Assert.True(screen.IsSingleColour(out uint colour));
        Assert.Equal(expected, colour);
    }

    [Fact]
    public async Task Connect_QemuWithAnotherViewer_DoesNotKickIt()
    {
        await using var fixture = await PoolFixture.StartAsync();
        fixture.Pool.AddVm("web01", backend: ConsoleBackend.Qemu(width: 64, height: 48));
        var dialer = new ConsoleDialer(fixture.Session());
        await using var first = await dialer.DialAsync("web01", CancellationToken.None).Bounded();
        await using var viewer = await RfbClient.ConnectAsync(first.Stream, Options, CancellationToken.None).Bounded();
        await viewer.ReadFullFramebufferAsync(CancellationToken.None).Bounded();

        await using (var second = await dialer.DialAsync("web01", CancellationToken.None).Bounded())
        await using (var probe = await RfbClient.ConnectAsync(second.Stream, Options, CancellationToken.None).Bounded())
        {
            await probe.ReadFullFramebufferAsync(CancellationToken.None).Bounded();
        }

        // qemu disconnects the others on shared-flag 0; the first viewer still gets answers.
        var screen = await viewer.ReadFullFramebufferAsync(CancellationToken.None).Bounded();
        Assert.Equal((64, 48), (screen.Width, screen.Height));
    }
}
