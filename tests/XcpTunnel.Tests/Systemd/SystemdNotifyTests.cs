using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Tests.EndToEnd;
using XcpTunnel.Tests.EndToEnd.Peers;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.Systemd;

/// <summary>
/// The real <c>xcptunnel serve</c> with <c>NOTIFY_SOCKET</c> pointing at a socket the test binds, as systemd runs
/// a <c>Type=notify</c> service: what it tells the manager, and when.
/// </summary>
public sealed class SystemdNotifyTests
{
    [Fact]
    public async Task Serve_WithNotifySocket_ReadyOnlyOnceEveryListenerAccepts_ThenWatchdogReloadAndStopping()
    {
        await using var pool = await SystemdTestPool.StartAsync();
        await using var notify = new NotifyListener();
        await using var started = await pool.ServeAsync(
            notify,
            new Dictionary<string, string> { ["qemu"] = "qemu", ["vncterm"] = "vncterm" },
            environment: new Dictionary<string, string?> { ["WATCHDOG_USEC"] = "200000" });
        var (serve, ports, healthPort) = started;

        var ready = await notify.NextAsync("READY=1");
        // The watchdog pings from the start, not from READY: systemd's timer runs while the service starts too.
        var beforeReady = notify.All.TakeWhile(m => !m.Split('\n').Contains("READY=1"));
        Assert.Contains(beforeReady, m => m.Split('\n').Contains("WATCHDOG=1"));

        // At this moment, not later: every tunnel must already accept and the health endpoint answer.
        Assert.Equal("QEMU (qemu)", await FakeViewer.DesktopNameAsync(ports["qemu"]));
        Assert.Equal("XenServer Virtual Terminal", await FakeViewer.DesktopNameAsync(ports["vncterm"]));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{healthPort}/"), Timeout = TestTimeouts.Default };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("healthz", UriKind.Relative)).Bounded()).StatusCode);
        Assert.Equal("2 tunnels, 0 active connections", NotifyListener.Value(ready, "STATUS"));

        // WATCHDOG_USEC=200000: a ping every 100 ms, and they keep coming.
        await notify.NextAsync("WATCHDOG=1");
        await notify.NextAsync("WATCHDOG=1");
        await notify.NextAsync("WATCHDOG=1");

        var before = MonotonicMicroseconds();
        serve.Process.Hangup();
        var reloading = await notify.NextAsync("RELOADING=1");
        var after = MonotonicMicroseconds();
        var monotonic = long.Parse(NotifyListener.Value(reloading, "MONOTONIC_USEC")!, CultureInfo.InvariantCulture);
        Assert.InRange(monotonic, before, after);
        var reloaded = await notify.NextAsync("READY=1");
        Assert.Equal("2 tunnels, 0 active connections", NotifyListener.Value(reloaded, "STATUS"));
        await serve.Process.WaitForOutputAsync("Reloaded: 0 added, 0 removed, 0 changed, 2 unchanged", TestTimeouts.Default);

        serve.Process.Terminate();
        var stopping = await notify.NextAsync("STOPPING=1");
        Assert.StartsWith("Stopping", NotifyListener.Value(stopping, "STATUS"), StringComparison.Ordinal);
        Assert.Equal(0, await serve.Process.WaitForExitAsync(CancellationToken.None).Bounded());
        var all = notify.All;
        Assert.Equal(2, all.Count(m => m.Split('\n').Contains("READY=1")));
        Assert.Equal("STOPPING=1", all.Last(m => !m.StartsWith("WATCHDOG=", StringComparison.Ordinal)).Split('\n')[0]);
    }

    [Fact]
    public async Task Serve_WatchdogPidOfAnotherProcess_NoPings()
    {
        await using var pool = await SystemdTestPool.StartAsync();
        await using var notify = new NotifyListener();
        await using var started = await pool.ServeAsync(
            notify,
            new Dictionary<string, string> { ["qemu"] = "qemu" },
            environment: new Dictionary<string, string?> { ["WATCHDOG_USEC"] = "200000", ["WATCHDOG_PID"] = "1" });
        var serve = started.Serve;

        await notify.NextAsync("READY=1");
        // A ping loop sends its first WATCHDOG=1 as it starts, before READY=1 (as the test above shows on the same
        // socket, whose datagrams keep their order): none came first, so no loop runs; none came later either.
        Assert.DoesNotContain(notify.All, m => m.Contains("WATCHDOG=1", StringComparison.Ordinal));
        Assert.Equal(0, await serve.StopAsync());
        await notify.NextAsync("STOPPING=1");
        Assert.DoesNotContain(notify.All, m => m.Contains("WATCHDOG=1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Serve_HealthAddressInUse_NeverSaysReady()
    {
        await using var pool = await SystemdTestPool.StartAsync();
        await using var notify = new NotifyListener();
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        squatter.Listen();
        pool.WriteConfig(
            new Dictionary<string, (string, int)> { ["qemu"] = ("qemu", TestPorts.Free()) }, healthPort: ((IPEndPoint)squatter.LocalEndPoint!).Port);
        var spec = ServeProcess.Command(["serve", "--config", pool.ConfigPath]) with
        {
            Environment = new Dictionary<string, string?> { ["NOTIFY_SOCKET"] = notify.Path },
        };
        await using var serve = Processes.Start(spec);

        Assert.NotEqual(0, await serve.WaitForExitAsync(CancellationToken.None).Bounded());
        Assert.Contains("Health:Listen: cannot listen", serve.StandardOutput + serve.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(notify.All, m => m.Split('\n').Contains("READY=1"));
    }


    // The test's Stopwatch reads CLOCK_MONOTONIC too, so the daemon's MONOTONIC_USEC must fall between two readings.
    private static long MonotonicMicroseconds() => (long)(Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency * 1_000_000);
}
