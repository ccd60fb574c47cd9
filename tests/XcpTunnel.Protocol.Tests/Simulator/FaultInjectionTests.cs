using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using XcpTunnel.Protocol.Tests.Support;
using XcpTunnel.Simulator;

namespace XcpTunnel.Protocol.Tests.Simulator;

public sealed class FaultInjectionTests
{
    [Fact]
    public async Task FailNextConnects_AnswersTheInjectedStatusOnce()
    {
        await using var pool = await SimulatorFixture.StartAsync();
        var vm = pool.AddVm("web01");
        string session = await RawHostClient.LoginAsync(pool.Hosts[0]);
        pool.Faults.FailNextConnects(404);

        await using (var first = await RawHostClient.ConnectAsync(pool.Hosts[0]))
        {
            await first.SendAsync(SimulatorFixture.ConnectRequest(vm, session));
            Assert.Equal("HTTP/1.1 404 Not Found\r\nConnection: close\r\nCache-Control: no-cache, no-store\r\n\r\n",
                Encoding.ASCII.GetString(await first.ReadToEndAsync()));
        }

        await using var second = await RawHostClient.ConnectAsync(pool.Hosts[0]);
        await second.SendAsync(SimulatorFixture.ConnectRequest(vm, session));
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", await second.ReadHeadAsync());
        Assert.Equal(1, pool.Counters.ConnectsWithStatus(404));
        Assert.Equal(1, pool.Counters.ConnectsWithStatus(200));
    }

    [Fact]
    public async Task DropNextRpcs_ClosesWithoutReply()
    {
        await using var pool = await SimulatorFixture.StartAsync();
        pool.Faults.DropNextRpcs(1);
        await using var client = await RawHostClient.ConnectAsync(pool.Hosts[0]);

        await client.SendAsync("POST /jsonrpc HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}");

        Assert.True(await client.IsClosedByServerAsync());
    }

    [Fact]
    public async Task RpcDelay_LetsConcurrentLoginsOverlap()
    {
        // The delay runs on the pool's clock: ten logins that overlap are all waiting in it before the clock moves,
        // where a pool serving calls one by one would have a single one waiting.
        var clock = new DelayCountingClock();
        await using var pool = await SimulatorFixture.StartAsync(time: clock);
        var delay = TimeSpan.FromMilliseconds(300);
        pool.Faults.RpcDelay = delay;

        var logins = Task.WhenAll(Enumerable.Range(0, 10).Select(_ => RawHostClient.LoginAsync(pool.Hosts[0])));
        await clock.WaitForDelaysAsync(delay, 10).Bounded();
        clock.Advance(delay);
        string[] sessions = await logins.Bounded();

        Assert.Equal(10, sessions.Distinct().Count());
        Assert.Equal(10, pool.Counters.Calls("session.login_with_password"));
        Assert.Equal(10, pool.Counters.LiveSessions);
    }

    [Fact]
    public async Task ChunkedRpcBody_IsRefusedForWantOfContentLength()
    {
        await using var pool = await SimulatorFixture.StartAsync();
        await using var client = await RawHostClient.ConnectAsync(pool.Hosts[0]);

        await client.SendAsync("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 411 Length Required\r\n", await client.ReadHeadAsync());
    }

    [Fact]
    public async Task TcpBackend_SplicesToARealServer_AndRefusalShowsAs200ThenEof()
    {
        using var rfbServer = new TcpListener(IPAddress.Loopback, 0);
        rfbServer.Start();
        int port = ((IPEndPoint)rfbServer.LocalEndpoint).Port;
        await using var pool = await SimulatorFixture.StartAsync();
        var vm = pool.AddVm("xvnc", backend: ConsoleBackend.Tcp("127.0.0.1", port));
        string session = await RawHostClient.LoginAsync(pool.Hosts[0]);
        await using var client = await RawHostClient.ConnectAsync(pool.Hosts[0]);

        await client.SendAsync(SimulatorFixture.ConnectRequest(vm, session) + "ping");
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", await client.ReadHeadAsync());
        using TcpClient accepted = await rfbServer.AcceptTcpClientAsync().WaitAsync(RawHostClient.Timeout);
        byte[] ping = new byte[4];
        await accepted.GetStream().ReadExactlyAsync(ping).AsTask().WaitAsync(RawHostClient.Timeout);
        Assert.Equal("ping", Encoding.ASCII.GetString(ping));
        await accepted.GetStream().WriteAsync("RFB 003.008\n"u8.ToArray()).AsTask().WaitAsync(RawHostClient.Timeout);
        Assert.Equal("RFB 003.008\n", Encoding.ASCII.GetString(await client.ReadExactlyAsync(12)));
        accepted.Client.Shutdown(SocketShutdown.Both);
        Assert.True(await client.IsClosedByServerAsync());

        rfbServer.Stop();
        await using var refused = await RawHostClient.ConnectAsync(pool.Hosts[0]);
        await refused.SendAsync(SimulatorFixture.ConnectRequest(vm, session));
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", await refused.ReadHeadAsync());
        Assert.True(await refused.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Ipv6Host_ListensOnLoopbackV6_WithABracketedUrl()
    {
        if (!Socket.OSSupportsIPv6)
        {
            return;
        }

        await using var pool = await SimulatedPool.StartAsync(
            new SimulatedPoolOptions { IncludeIpv6Host = true, LoginFailureDelay = TimeSpan.Zero }, CancellationToken.None).WaitAsync(RawHostClient.Timeout);
        SimulatedHost v6 = pool.Hosts[^1];
        var vm = pool.AddVm("v6vm", residentOn: v6);

        Assert.Equal($"https://[::1]:{pool.Port}/", v6.Url.ToString());
        Assert.StartsWith($"https://[::1]:{pool.Port}/console?uuid=", vm.ConsoleLocation);
        string session = await RawHostClient.LoginAsync(pool.Hosts[0]);
        await using var client = await RawHostClient.ConnectAsync(v6);
        await client.SendAsync(SimulatorFixture.ConnectRequest(vm, session));
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", await client.ReadHeadAsync());
    }

    /// <summary>A fake clock that counts the timers made for one due time: the calls waiting out an RPC delay.</summary>
    private sealed class DelayCountingClock : FakeTimeProvider
    {
        private readonly ConcurrentDictionary<TimeSpan, int> _timers = new();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            _timers.AddOrUpdate(dueTime, 1, (_, n) => n + 1);
            return base.CreateTimer(callback, state, dueTime, period);
        }

        /// <summary>Waits (a bounded poll for a positive condition) until <paramref name="count"/> timers of <paramref name="dueTime"/> exist.</summary>
        public async Task WaitForDelaysAsync(TimeSpan dueTime, int count)
        {
            while (_timers.GetValueOrDefault(dueTime) < count)
            {
                await Task.Delay(10);
            }
        }
    }
}
