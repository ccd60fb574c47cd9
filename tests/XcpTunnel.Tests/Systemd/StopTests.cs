using System.Diagnostics;
using System.Net;
using System.Text;
using XcpTunnel.Tests.EndToEnd;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.Systemd;

/// <summary><c>systemctl stop</c>, i.e. SIGTERM to the real <c>xcptunnel serve</c>, with a viewer connected.</summary>
public sealed class StopTests
{
    [Fact]
    public async Task Sigterm_LiveConnection_StoppingSentThenBytesFlowForTheWholeDrainThenExitZero()
    {
        await using var pool = await SystemdTestPool.StartAsync();
        await using var notify = new NotifyListener();
        var port = TestPorts.Free();
        pool.WriteConfig(
            new Dictionary<string, (string, int)> { ["echo"] = ("echo", port) },
            edit: config => config["Timeouts"]!["DrainSeconds"] = 4);
        var spec = ServeProcess.Command(["serve", "--config", pool.ConfigPath]) with
        {
            Environment = new Dictionary<string, string?> { ["NOTIFY_SOCKET"] = notify.Path },
        };
        await using var serve = await ServeProcess.StartAsync(spec, _ => true);
        await notify.NextAsync("READY=1");
        await using var viewer = await FakeViewer.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        Assert.True((await viewer.ConnectAsync()).Admitted);
        // The STATUS line follows the connection count (checked every 2 s, sent when it changed).
        await notify.NextAsync("STATUS=1 tunnel, 1 active connection");

        var stopped = Stopwatch.StartNew();
        serve.Process.Terminate();
        await notify.NextAsync("STOPPING=1");
        // Longer than System.CommandLine's 2 s termination timeout, which once cut every drain short.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        await viewer.SendRawAsync("still here");
        var echoed = new byte[10];
        await viewer.Stream.ReadExactlyAsync(echoed).AsTask().Bounded();
        Assert.Equal("still here", Encoding.ASCII.GetString(echoed));

        Assert.True(await viewer.IsClosedAsync());
        Assert.Equal(0, await serve.Process.WaitForExitAsync(CancellationToken.None).Bounded());
        Assert.InRange(stopped.Elapsed, TimeSpan.FromSeconds(3.5), TimeSpan.FromSeconds(15));
        await serve.Process.WaitForOutputAsync("drain time is up", TestTimeouts.Default);
    }
}
