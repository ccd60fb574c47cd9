using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Tests.Support;
using XcpTunnel.Tunnels;

namespace XcpTunnel.Tests.Tunnels;

/// <summary>What a viewer that never finishes its handshake costs the pool: nothing, because the tunnel greets it first.</summary>
public sealed class TunnelCostTests
{
    [Fact]
    public async Task FiveHundredSilentSockets_AreGreetedButCostNoConnectAndNoXapiCall()
    {
        await using var fixture = await TunnelFixture.StartAsync();
        fixture.Pool.AddVm("web01");
        var tunnel = fixture.StartTunnel("web01", maxConnections: 600);

        var silent = new List<FakeViewer>();
        try
        {
            for (var i = 0; i < 500; i++)
            {
                silent.Add(await fixture.ViewerAsync(tunnel));
            }

            // Every one was accepted and greeted by the tunnel itself.
            foreach (var viewer in silent)
            {
                Assert.Equal(RfbProtocolVersion.V3_8, await viewer.ReadServerVersionAsync());
            }

            Assert.Equal(500, tunnel.ActiveConnections);
            Assert.Equal((0, 0), fixture.PoolCost);
        }
        finally
        {
            foreach (var viewer in silent)
            {
                await viewer.DisposeAsync();
            }
        }

        await WaitUntilIdleAsync(tunnel);
        Assert.Equal((0, 0), fixture.PoolCost);
    }

    [Fact]
    public async Task FiveThousandConnectCloseCycles_CostNoConnect()
    {
        await using var fixture = await TunnelFixture.StartAsync();
        fixture.Pool.AddVm("web01");
        var tunnel = fixture.StartTunnel("web01", maxConnections: 6000);
        var endPoint = (IPEndPoint)tunnel.EndPoints[0];

        for (var i = 0; i < 5000; i++)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(endPoint).Bounded();
        }

        // The backlog holds what the accept loop has not taken yet: wait for all of it.
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (tunnel.TotalConnections < 5000 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await WaitUntilIdleAsync(tunnel);
        Assert.Equal(5000, tunnel.TotalConnections);
        Assert.Equal(0, fixture.Pool.Counters.Connects);
        Assert.Equal(0, fixture.Pool.Counters.TotalCalls);
    }

    [Fact]
    public async Task ViewerThatSaysNothing_IsClosedAtTheMessageDeadline_NotBefore()
    {
        await using var fixture = await TunnelFixture.StartAsync();
        var clock = new FakeTimeProvider();
        fixture.Time = clock;
        var tunnel = fixture.StartTunnel("web01");
        await using var viewer = await fixture.ViewerAsync(tunnel);
        await viewer.ReadServerVersionAsync();

        var closed = viewer.IsClosedAsync();
        var waited = await FakeClock.AdvanceUntilDoneAsync(clock, closed, TimeSpan.FromMilliseconds(250));

        Assert.True(await closed);
        Assert.True(waited >= fixture.Timeouts.RfbMessage, $"closed after {waited}");
        Assert.Equal(TunnelOutcome.ViewerTimeout, await fixture.NextOutcomeAsync());
        Assert.Equal((0, 0), fixture.PoolCost);
    }

    [Fact]
    public async Task ViewerLeavesWhileItsConsoleIsDialled_TheDialIsCancelled()
    {
        await using var fixture = await TunnelFixture.StartAsync();
        fixture.Pool.AddVm("web01");
        var dialling = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fixture.WrapDial = _ => async ct =>
        {
            using var registration = ct.Register(() => cancelled.TrySetResult());
            dialling.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        };
        var tunnel = fixture.StartTunnel("web01");
        var viewer = await fixture.ViewerAsync(tunnel);
        await viewer.ReadServerVersionAsync();
        await viewer.SendVersionAsync(RfbProtocolVersion.V3_8);
        await viewer.Stream.ReadExactlyAsync(new byte[2]).AsTask().Bounded();
        await viewer.SendAsync((byte)RfbSecurityType.None);
        await dialling.Task.Bounded();

        await viewer.DisposeAsync();

        await cancelled.Task.Bounded();
        Assert.Equal(TunnelOutcome.ViewerLeft, await fixture.NextOutcomeAsync());
    }

    private static async Task WaitUntilIdleAsync(XcpTunnel.Tunnels.TunnelListener tunnel)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (tunnel.ActiveConnections > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(0, tunnel.ActiveConnections);
    }
}
