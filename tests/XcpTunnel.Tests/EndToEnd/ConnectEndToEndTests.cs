using System.Globalization;
using XcpTunnel.Simulator;
using XcpTunnel.Tests.EndToEnd.Peers;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.EndToEnd;

/// <summary>
/// A user's view of <c>xcptunnel connect</c>: no config file, the real binary, Xvnc behind the simulated
/// pool and stock VNC clients, through a listening port or through stdin/stdout bridged by socat.
/// </summary>
public sealed class ConnectEndToEndTests
{
    private static readonly RgbColour XvncRoot = RgbColour.Parse("#30a050");

    [Fact]
    public async Task Connect_Once_GvncCaptureSeesTheConsoleThenTheProcessExitsZero()
    {
        await using var xvnc = await XvncServer.StartAsync(XvncRoot, CancellationToken.None).Bounded();
        await using var pool = await StartPoolAsync();
        pool.AddVm("web01", backend: ConsoleBackend.Tcp(xvnc.Host, xvnc.Port));
        using var directory = TemporaryDirectory.Create("xcptunnel-connect-");
        var passwordFile = ConnectProcess.WritePasswordFile(directory);
        var port = 0;
        await using var connect = await TestPorts.BindingAsync(() => ConnectProcess.StartAsync(ConnectProcess.Arguments(
            pool, "web01", passwordFile, "--listen", ConnectProcess.ListenArgument(port = TestPorts.Free()), "--once")));
        Assert.True(port >= VncClients.FirstDisplayPort);

        var captured = await VncClients.GvncCaptureAsync("127.0.0.1", port, CancellationToken.None).Bounded();

        Assert.True(captured.FractionNear(XvncRoot, 8) >= 0.95, $"gvnccapture through connect saw {captured.Describe()}");
        Assert.Equal(0, await connect.WaitForExitAsync());
        var process = connect.Process;
        Assert.Equal($"{ConnectProcess.Ready}127.0.0.1:{port} (VM web01)\n", process.StandardOutput);
        Assert.Contains("outcome viewer_closed", process.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(ConnectProcess.Password, process.StandardOutput + process.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectStdio_UnderSocat_VncSnapshotSeesTheConsole()
    {
        await using var xvnc = await XvncServer.StartAsync(XvncRoot, CancellationToken.None).Bounded();
        await using var pool = await StartPoolAsync();
        pool.AddVm("web01", backend: ConsoleBackend.Tcp(xvnc.Host, xvnc.Port));
        using var directory = TemporaryDirectory.Create("xcptunnel-connect-");
        var command = ConnectProcess.Arguments(pool, "web01", ConnectProcess.WritePasswordFile(directory), "--stdio").Prepend("dotnet");
        // socat splits its address on ':' and ','; the URL's colons are escaped as its manual says.
        var exec = "EXEC:" + string.Join(' ', command).Replace(":", "\\:", StringComparison.Ordinal);
        var (socat, port) = await TestPorts.BindingAsync(async () =>
        {
            var port = TestPorts.Free();
            var socat = Processes.Start(new ProcessSpec(
                PeerProgram.Socat.Require(), ["-d", string.Create(CultureInfo.InvariantCulture, $"TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr"), exec]));
            try
            {
                await WaitForListenerAsync(port, socat);
                return (socat, port);
            }
            catch
            {
                await socat.DisposeAsync();
                throw;
            }
        });
        await using var _ = socat;

        var snapshot = await VncClients.VncSnapshotAsync("127.0.0.1", port, CancellationToken.None).Bounded();

        Assert.True(snapshot.FractionNear(XvncRoot, 24) >= 0.95, $"vncsnapshot through socat and connect --stdio saw {snapshot.Describe()}\n{socat.Describe("socat")}");
        // One connection, then socat (no fork) and the command it ran both end.
        Assert.Equal(0, await socat.WaitForExitAsync(CancellationToken.None).Bounded());
    }

    internal static Task<SimulatedPool> StartPoolAsync() =>
        SimulatedPool.StartAsync(
            new SimulatedPoolOptions { Password = ConnectProcess.Password, LoginFailureDelay = TimeSpan.FromMilliseconds(50) },
            CancellationToken.None).Bounded();

    private static async Task WaitForListenerAsync(int port, RunningProcess socat)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (true)
        {
            // Connecting to see would use up socat's one connection; look for the listening socket instead.
            var listening = string.Create(CultureInfo.InvariantCulture, $"0100007F:{port:X4} 00000000:0000 0A");
            if ((await File.ReadAllTextAsync("/proc/net/tcp")).Contains(listening, StringComparison.Ordinal))
            {
                return;
            }

            if (socat.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException(socat.Describe("socat did not listen"));
            }

            await Task.Delay(20);
        }
    }
}
