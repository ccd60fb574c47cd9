using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Tests.EndToEnd;
using XcpTunnel.Tests.EndToEnd.Peers;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.Demo;

/// <summary>
/// <c>xcptunnel demo</c> as a user runs it: the real binary, its printed instructions followed with stock VNC
/// clients (gvnccapture speaks RFB 3.8, vncsnapshot 3.3), then SIGTERM.
/// </summary>
public sealed partial class DemoCommandTests
{
    [Fact]
    public async Task Demo_StockViewersFollowingTheInstructions_SeeTestCardsAndTheHaltedReason_SigtermExitsZero()
    {
        await using var demo = await StartDemoAsync(TestPorts.Free());
        var ports = PrintedPorts(demo.Process.StandardOutput);
        Assert.Equal(["web01", "pv-console", "db01"], ports.Keys);
        Assert.Contains("(HVM, RFB 3.8)", demo.Process.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"Port {ports["db01"]} shows why", demo.Process.StandardOutput, StringComparison.Ordinal);

        var hvm = await VncClients.GvncCaptureAsync("127.0.0.1", ports["web01"], CancellationToken.None).Bounded();
        Assert.Equal((800, 600), (hvm.Width, hvm.Height));
        TestCard.AssertShowsTheBars(hvm, tolerance: 0, "gvnccapture of web01");

        var pv = await VncClients.VncSnapshotAsync("127.0.0.1", ports["pv-console"], CancellationToken.None).Bounded();
        Assert.Equal((640, 384), (pv.Width, pv.Height));
        TestCard.AssertShowsTheBars(pv, tolerance: 24, "vncsnapshot of pv-console");

        await using (var viewer = await FakeViewer.ConnectAsync(new IPEndPoint(IPAddress.Loopback, ports["db01"])))
        {
            Assert.Equal("VM 'db01' is Halted", await viewer.RefusalAsync(RfbProtocolVersion.V3_8));
        }

        Assert.Equal(0, await demo.StopAsync());

        // The refused viewer is logged (a warning), on stderr: stdout holds only the instructions.
        Assert.Contains("vm_not_running", demo.Process.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("vm_not_running", demo.Process.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_FirstPortTaken_UsesTheNextFreeOnes()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var first = ((IPEndPoint)taken.LocalEndpoint).Port;

        await using var demo = await StartDemoAsync(first);
        var ports = PrintedPorts(demo.Process.StandardOutput);

        Assert.All(ports.Values, p => Assert.True(p > first, $"port {p} should be above the taken {first}"));
        Assert.Equal(3, ports.Values.Distinct().Count());
        Assert.Equal(0, await demo.StopAsync());
    }

    [Fact]
    public async Task Demo_CtrlC_ExitsWith130AndRemovesItsConfiguration()
    {
        await using var demo = await StartDemoAsync(TestPorts.Free());
        var config = NewcomerPath.PrintedConfig(demo.Process.StandardOutput);
        Assert.True(File.Exists(config), $"the printed configuration {config} is not there");

        demo.Process.Interrupt();

        Assert.Equal(130, await demo.Process.WaitForExitAsync(CancellationToken.None).Bounded());
        Assert.False(Directory.Exists(Path.GetDirectoryName(config)), "the demo's temporary configuration outlived it");
    }

    private static Task<ServeProcess> StartDemoAsync(int firstPort) =>
        ServeProcess.StartAsync(
            ["demo", "--port", firstPort.ToString(CultureInfo.InvariantCulture), "--health-port", TestPorts.Free().ToString(CultureInfo.InvariantCulture)],
            output => output.Contains("Press Ctrl+C", StringComparison.Ordinal));

    /// <summary>VM name → port from the lines <c>  NAME  vncviewer 127.0.0.1:PORT  (…)</c>, in printed order.</summary>
    private static Dictionary<string, int> PrintedPorts(string output) =>
        ViewerLine().Matches(output).ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^\s+(\S+)\s+vncviewer 127\.0\.0\.1:(\d+)\s+\(", RegexOptions.Multiline)]
    private static partial Regex ViewerLine();
}
