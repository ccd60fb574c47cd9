using System.Net.Sockets;
using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.Tunnels;

/// <summary>Stopping and idling: what happens to live connections.</summary>
public sealed class TunnelLifecycleTests
{
    [Fact]
    public async Task Stop_WithALiveViewer_StopsAcceptingThenDrainsThenCloses()
    {
        await using var fixture = await TunnelFixture.StartAsync();
        fixture.Pool.AddVm("web01");
        var tunnel = fixture.StartTunnel("web01");
        var endPoint = tunnel.EndPoints[0];
        await using var viewer = await fixture.ViewerAsync(tunnel);
        await viewer.HandshakeAsync();

        var stopping = tunnel.StopAsync(TimeSpan.FromMilliseconds(800));
        await Task.Delay(100);

        await Assert.ThrowsAsync<SocketException>(() => FakeViewer.ConnectAsync(endPoint)).Within();
        var (width, _, _) = await viewer.InitialiseAsync(RfbProtocolVersion.V3_8);
        Assert.Equal(1024, width);
        Assert.False(stopping.IsCompleted);
        await stopping.Within();
        Assert.True(await viewer.IsClosedAsync());
        Assert.Contains(fixture.Logs.Lines, l => l.Contains("outcome shutdown", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stop_WithoutViewers_ReturnsAtOnce()
    {
        await using var fixture = await TunnelFixture.StartAsync();
        var tunnel = fixture.StartTunnel("web01");

        await tunnel.StopAsync(TimeSpan.FromMinutes(5)).Within();
    }

    [Fact]
    public async Task IdleTimeout_QuietTunnelIsClosed()
    {
        await using var fixture = await TunnelFixture.StartAsync();
        fixture.Pool.AddVm("web01");
        var tunnel = fixture.StartTunnel("web01", idleTimeout: TimeSpan.FromMilliseconds(300));
        await using var viewer = await fixture.ViewerAsync(tunnel);
        var (server, _) = await viewer.HandshakeAsync();
        await viewer.InitialiseAsync(server);

        Assert.True(await viewer.IsClosedAsync());
        await fixture.WaitForLogAsync("outcome idle_timeout");
    }
}
