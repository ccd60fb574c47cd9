using Microsoft.Extensions.Time.Testing;
using System.Net.Sockets;
using XcpTunnel.Tests.Support;
using XcpTunnel.Tunnels;

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
        Assert.Equal(TunnelOutcome.Shutdown, await fixture.NextOutcomeAsync());
    }

    [Fact]
    public async Task Stop_WithoutViewers_ReturnsAtOnce()
    {
        await using var fixture = await TunnelFixture.StartAsync();
        var tunnel = fixture.StartTunnel("web01");

        await tunnel.StopAsync(TimeSpan.FromMinutes(5)).Bounded();
    }

    [Fact]
    public async Task IdleTimeout_QuietTunnelIsClosedAtTheTimeout_NotBefore()
    {
        await using var fixture = await TunnelFixture.StartAsync();
        var clock = new FakeTimeProvider();
        fixture.Time = clock;
        fixture.Pool.AddVm("web01");
        var idleTimeout = TimeSpan.FromSeconds(30);
        var tunnel = fixture.StartTunnel("web01", idleTimeout: idleTimeout);
        await using var viewer = await fixture.ViewerAsync(tunnel);
        Assert.True((await viewer.ConnectAsync()).Admitted);

        var closed = viewer.IsClosedAsync();
        var waited = await FakeClock.AdvanceUntilDoneAsync(clock, closed, TimeSpan.FromSeconds(1));

        Assert.True(await closed);
        Assert.True(waited >= idleTimeout, $"closed after {waited}");
        Assert.Equal(TunnelOutcome.IdleTimeout, await fixture.NextOutcomeAsync());
    }
}
