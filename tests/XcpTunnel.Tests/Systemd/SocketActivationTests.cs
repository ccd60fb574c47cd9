using System.Net;
using System.Net.Sockets;
using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Tests.EndToEnd;
using XcpTunnel.Tests.EndToEnd.Peers;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.Systemd;

/// <summary>
/// Socket activation by Debian's <c>systemd-socket-activate</c>, which does what a <c>.socket</c> unit does: it
/// listens, waits for the first connection (it accepts none itself without <c>--accept</c>), then execs the real
/// <c>xcptunnel serve</c> with the listening sockets as descriptors 3… and their <c>--fdname</c>s in <c>LISTEN_FDNAMES</c>.
/// </summary>
public sealed class SocketActivationTests
{
    [Fact]
    public async Task Serve_SocketsPassedByName_TunnelOfThatNameServesOnThem_UnknownNameIsClosed()
    {
        await using var pool = await SystemdTestPool.StartAsync();
        await using var notify = new NotifyListener();
        int activatedPort = TestPorts.Free(), strayPort = TestPorts.Free(), configuredPort = TestPorts.Free(), plainPort = TestPorts.Free();
        pool.WriteConfig(new Dictionary<string, (string, int)> { ["web"] = ("qemu", configuredPort), ["pv"] = ("vncterm", plainPort) });
        var spec = new ProcessSpec(
            PeerProgram.SystemdSocketActivate.Require(),
            [
                "-l", $"127.0.0.1:{activatedPort}", "--fdname=web",
                "-l", $"127.0.0.1:{strayPort}", "--fdname=stray",
                "-E", $"NOTIFY_SOCKET={notify.Path}",
                PeerProgram.Dotnet.Require(), ServeProcess.DaemonDll, "serve", "--config", pool.ConfigPath,
            ]);
        await using var activator = Processes.Start(spec);

        // The first connection makes systemd-socket-activate start the daemon, which then accepts it.
        await using (var first = await ConnectWhenListeningAsync(activatedPort, activator))
        {
            var outcome = await first.ConnectAsync();
            Assert.Equal(RfbProtocolVersion.V3_8, outcome.Server);
            Assert.True(outcome.Admitted);
        }

        await notify.NextAsync("READY=1");
        await activator.WaitForOutputAsync("Tunnel web uses the socket(s) passed by systemd instead of binding", TestTimeouts.Default);
        await activator.WaitForOutputAsync("no tunnel is named 'stray'", TestTimeouts.Default);
        Assert.Equal(SocketError.ConnectionRefused, await ConnectErrorAsync(strayPort));
        Assert.Equal(SocketError.ConnectionRefused, await ConnectErrorAsync(configuredPort));
        Assert.Equal("XenServer Virtual Terminal", await FakeViewer.DesktopNameAsync(plainPort));

        // A reload that changes the tunnel keeps it on the socket systemd passed.
        pool.WriteConfig(new Dictionary<string, (string, int)> { ["web"] = ("vncterm", configuredPort), ["pv"] = ("vncterm", plainPort) });
        activator.Hangup();
        await notify.NextAsync("READY=1");
        await activator.WaitForOutputAsync("Reloaded: 0 added, 0 removed, 1 changed, 1 unchanged", TestTimeouts.Default);
        Assert.Equal("XenServer Virtual Terminal", await FakeViewer.DesktopNameAsync(activatedPort));
        Assert.Equal(SocketError.ConnectionRefused, await ConnectErrorAsync(configuredPort));

        activator.Terminate();
        Assert.Equal(0, await activator.WaitForExitAsync(CancellationToken.None).Bounded());
    }

    private static async Task<FakeViewer> ConnectWhenListeningAsync(int port, RunningProcess activator)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (true)
        {
            try
            {
                return await FakeViewer.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !activator.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }


    private static async Task<SocketError> ConnectErrorAsync(int port)
    {
        using var client = new TcpClient(AddressFamily.InterNetwork);
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port).Bounded();
            return SocketError.Success;
        }
        catch (SocketException ex)
        {
            return ex.SocketErrorCode;
        }
    }
}
