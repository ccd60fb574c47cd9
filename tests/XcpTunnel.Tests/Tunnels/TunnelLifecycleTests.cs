using Microsoft.Extensions.Time.Testing;
using System.Net.Sockets;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.Tunnels;

/// <summary>Stopping and idling: what happens to live connections.</summary>
public sealed class TunnelLifecycleTests
{
    [Fact]
    public async Task Stop_WithALiveViewer_StopsAcceptingThenDrainsThenCloses()
    {
        var clock = new FakeTimeProvider();
        await using var fixture = await TunnelFixture.StartAsync();
        fixture.Time = clock;
        fixture.Pool.AddVm("web01");
        var tunnel = fixture.StartTunnel("web01");
        var endPoint = tunnel.EndPoints[0];
        await using var viewer = await fixture.ViewerAsync(tunnel);
        Assert.True((await viewer.ConnectAsync()).Admitted);

        var drain = TimeSpan.FromSeconds(30);
        await tunnel.StopAcceptingAsync().Bounded(); // StopAsync's first step, awaited here so the refusal below is certain
        var stopping = tunnel.StopAsync(drain);
        await Assert.ThrowsAsync<SocketException>(() => FakeViewer.ConnectAsync(endPoint)).Bounded();
        // The drain's clock has not moved: the connection still carries bytes, and the stop still waits for it.
        clock.Advance(drain - TimeSpan.FromMilliseconds(1));
        Assert.Equal(4, (await ViewerTraffic.FirstPixelAsync(viewer)).Length);
        Assert.False(stopping.IsCompleted);

        clock.Advance(TimeSpan.FromMilliseconds(1));
        await stopping.Bounded();
        Assert.True(await viewer.IsClosedAsync());
        Assert.Contains(fixture.Logs.Lines, l => l.Contains("outcome shutdown", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stop_WithoutViewers_ReturnsAtOnce()
    {
        await using var fixture = await TunnelFixture.StartAsync();
        var tunnel = fixture.StartTunnel("web01");

        await tunnel.StopAsync(TimeSpan.FromMinutes(5)).Bounded();
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
