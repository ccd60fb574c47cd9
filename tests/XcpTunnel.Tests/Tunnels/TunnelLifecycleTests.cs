using System.Net.Sockets;
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
        Assert.True((await viewer.ConnectAsync()).Admitted);

        var stopping = tunnel.StopAsync(TimeSpan.FromMilliseconds(800));
        await Task.Delay(100);

        await Assert.ThrowsAsync<SocketException>(() => FakeViewer.ConnectAsync(endPoint)).Within();
        Assert.Equal(4, (await ViewerTraffic.FirstPixelAsync(viewer)).Length);
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
        Assert.True((await viewer.ConnectAsync()).Admitted);

        Assert.True(await viewer.IsClosedAsync());
        await fixture.WaitForLogAsync("outcome idle_timeout");
    }
}
