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
        await using var started = await pool.ServeAsync(
            notify, new Dictionary<string, string> { ["echo"] = "echo" }, edit: config => config["Timeouts"]!["DrainSeconds"] = 4);
        var (serve, port) = (started.Serve, started.Ports["echo"]);
        await notify.NextAsync("READY=1");
        await using var viewer = await FakeViewer.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        Assert.True((await viewer.ConnectAsync()).Admitted);
        // The STATUS line follows the connection count (checked every 2 s, sent when it changed).
        await notify.NextAsync("STATUS=1 tunnel, 1 active connection");

        serve.Process.Terminate();
        await notify.NextAsync("STOPPING=1");
        await viewer.SendRawAsync("still here");
        var echoed = new byte[10];
        await viewer.Stream.ReadExactlyAsync(echoed).AsTask().Bounded();
        Assert.Equal("still here", Encoding.ASCII.GetString(echoed));

        // The daemon closes a live connection only when its drain time is up, and says so: a stop cut short (as
        // System.CommandLine's 2 s termination timeout once cut every drain) would end the process before the 4 s
        // were up, with the viewer still connected and no such line.
        Assert.True(await viewer.IsClosedAsync());
        Assert.Equal(0, await serve.Process.WaitForExitAsync(CancellationToken.None).Bounded());
        await serve.Process.WaitForOutputAsync("Tunnel echo: drain time is up; closing 1 connection(s)", TestTimeouts.Default);
    }
}
