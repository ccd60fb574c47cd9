using System.Net;
using System.Net.Sockets;
using System.Text;
using XcpTunnel.Tests.EndToEnd.Peers;

namespace XcpTunnel.Tests.EndToEnd;

/// <summary>The end-to-end harness checked against itself: real Xvnc, real clients, real netpbm.</summary>
public sealed class PeersTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(60);
    private const string Loopback = "127.0.0.1";
    private static readonly RgbColour Orange = RgbColour.Parse("#ff8000");

    // --- Xvnc seen by stock clients ---

    [Fact]
    public async Task GvncCapture_OfXvnc_SeesTheRootColourLosslessly()
    {
        await using var server = await XvncServer.StartAsync(Orange, CancellationToken.None).WaitAsync(TestTimeout);

        var image = await VncClients.GvncCaptureAsync(server.Host, server.Port, CancellationToken.None).WaitAsync(TestTimeout);

        AssertShows(image, server, Orange, tolerance: 8);
    }

    [Fact]
    public async Task VncSnapshot_RawEncodingOfXvnc_SeesTheRootColourWithinJpegLoss()
    {
        await using var server = await XvncServer.StartAsync(Orange, CancellationToken.None).WaitAsync(TestTimeout);

        var image = await VncClients.VncSnapshotAsync(server.Host, server.Port, CancellationToken.None).WaitAsync(TestTimeout);

        AssertShows(image, server, Orange, tolerance: 24);
    }

    [Fact]
    public async Task VncSnapshot_BlackRoot_ReturnsInsteadOfWaitingForANonBlankFrame()
    {
        var black = RgbColour.Parse("#000000");
        await using var server = await XvncServer.StartAsync(black, 320, 200, CancellationToken.None).WaitAsync(TestTimeout);

        var image = await VncClients.VncSnapshotAsync(server.Host, server.Port, CancellationToken.None).WaitAsync(TestTimeout);

        AssertShows(image, server, black, tolerance: 24);
    }

    [Fact]
    public async Task Xvnc_TwoStartedTogether_GetTheirOwnDisplaysPortsAndScreens()
    {
        var blue = RgbColour.Parse("#0000ff");
        var green = RgbColour.Parse("#00ff00");
        var starting = new[] { XvncServer.StartAsync(blue, 320, 200, CancellationToken.None), XvncServer.StartAsync(green, 320, 200, CancellationToken.None) };
        XvncServer[] servers;
        try
        {
            servers = await Task.WhenAll(starting).WaitAsync(TestTimeout);
        }
        catch
        {
            foreach (var started in starting.Where(task => task.IsCompletedSuccessfully))
            {
                await (await started).DisposeAsync();
            }

            throw;
        }

        await using var first = servers[0];
        await using var second = servers[1];

        Assert.NotEqual(first.DisplayNumber, second.DisplayNumber);
        Assert.NotEqual(first.Port, second.Port);
        AssertShows(await VncClients.GvncCaptureAsync(first.Host, first.Port, CancellationToken.None).WaitAsync(TestTimeout), first, blue, tolerance: 8);
        AssertShows(await VncClients.GvncCaptureAsync(second.Host, second.Port, CancellationToken.None).WaitAsync(TestTimeout), second, green, tolerance: 8);
    }

    [Fact]
    public async Task Xvnc_Disposed_ReleasesItsPortAndDisplayLock()
    {
        var server = await XvncServer.StartAsync(Orange, 320, 200, CancellationToken.None).WaitAsync(TestTimeout);
        var lockFile = $"/tmp/.X{server.DisplayNumber}-lock";
        Assert.True(File.Exists(lockFile), $"{lockFile} missing while {server} runs\n{server.Log}");

        await server.DisposeAsync().AsTask().WaitAsync(TestTimeout);

        // SIGTERM, not SIGKILL: Xvnc removes its lock, so /tmp does not fill with stale ones.
        Assert.False(File.Exists(lockFile), $"{lockFile} left behind\n{server.Log}");
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, server.Port).WaitAsync(TestTimeout));
    }

    // --- clients' failure reporting ---

    [Fact]
    public async Task GvncCapture_NothingListening_FailsWithTheCommandLine()
    {
        var port = UnusedPort();

        var failure = await Assert.ThrowsAsync<ProcessFailedException>(
            () => VncClients.GvncCaptureAsync(Loopback, port, CancellationToken.None).WaitAsync(TestTimeout));

        Assert.Contains($"127.0.0.1:{port - 5900}", failure.Message);
        Assert.Contains("gvnccapture", failure.Message);
        Assert.NotNull(failure.ExitCode);
    }

    [Fact]
    public async Task VncSnapshot_NothingListening_FailsWithTheCommandLineAndItsOutput()
    {
        var port = UnusedPort();

        var failure = await Assert.ThrowsAsync<ProcessFailedException>(
            () => VncClients.VncSnapshotAsync(Loopback, port, CancellationToken.None).WaitAsync(TestTimeout));

        Assert.Contains($"127.0.0.1::{port}", failure.Message);
        Assert.Contains("Connection refused", failure.Message);
    }

    [Fact]
    public async Task GvncCapture_PortBelowDisplayZero_IsRejected()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => VncClients.GvncCaptureAsync(Loopback, 5899, CancellationToken.None).WaitAsync(TestTimeout));
    }

    [Fact]
    public void PeerProgram_NotInstalled_FailsWithTheAptGetLine()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => new PeerProgram("xcptunnel-no-such-peer", "some-package").Require());

        Assert.Contains("apt-get install some-package", failure.Message);
    }

    [Fact]
    public void PeerProgram_EveryProgramTheHarnessRuns_IsInstalled()
    {
        PeerProgram[] programs =
        [
            PeerProgram.Xvnc, PeerProgram.XSetRoot, PeerProgram.GvncCapture, PeerProgram.VncSnapshot, PeerProgram.PngToPnm, PeerProgram.JpegToPnm,
            PeerProgram.Xvfb, PeerProgram.TigerVncViewer, PeerProgram.Xwd, PeerProgram.XwdToPnm, PeerProgram.PamDepth, PeerProgram.PamScale,
            PeerProgram.PpmToPgm, PeerProgram.Tesseract, PeerProgram.XDoTool, PeerProgram.GvncViewer, PeerProgram.Remmina, PeerProgram.TigerVncPasswd,
            PeerProgram.Sshd, PeerProgram.Ssh, PeerProgram.SshKeygen, PeerProgram.UserAdd, PeerProgram.UserDel, PeerProgram.Chown,
            PeerProgram.SocketStatistics, PeerProgram.PnmToXwd, PeerProgram.Xwud,
        ];
        Assert.True(File.Exists(RemminaViewer.VncPlugin), $"{RemminaViewer.VncPlugin} missing: apt-get install remmina-plugin-vnc");
        foreach (var program in programs)
        {
            Assert.True(File.Exists(program.Require()));
        }
    }

    // --- Processes ---

    [Fact]
    public async Task Processes_NonZeroExit_ReportsCommandLineExitCodeAndStderr()
    {
        var spec = new ProcessSpec("/bin/sh", ["-c", "echo out; echo broken >&2; exit 3"]);

        var failure = await Assert.ThrowsAsync<ProcessFailedException>(() => Processes.RunAsync(spec, TimeSpan.FromSeconds(10), CancellationToken.None).WaitAsync(TestTimeout));

        Assert.Equal(3, failure.ExitCode);
        Assert.False(failure.TimedOut);
        Assert.Contains("/bin/sh -c 'echo out; echo broken >&2; exit 3'", failure.Message);
        Assert.Contains("broken", failure.Message);
        Assert.Contains("out", failure.Message);
    }

    [Fact]
    public async Task Processes_PastTimeout_KillsAndSaysItTimedOut()
    {
        var spec = new ProcessSpec("/bin/sh", ["-c", "echo started; exec sleep 30"]);

        var failure = await Assert.ThrowsAsync<ProcessFailedException>(() => Processes.RunAsync(spec, TimeSpan.FromMilliseconds(500), CancellationToken.None).WaitAsync(TestTimeout));

        Assert.True(failure.TimedOut);
        Assert.Null(failure.ExitCode);
        Assert.Contains("timed out", failure.Message);
    }

    [Fact]
    public async Task Processes_Run_GetsEnvironmentAndAnEmptyStdin()
    {
        var spec = new ProcessSpec("/bin/sh", ["-c", "printf '%s' \"$XCPTUNNEL_TEST\"; cat; printf '%s' \"${HOME-unset}\""])
        {
            Environment = new Dictionary<string, string?> { ["XCPTUNNEL_TEST"] = "value", ["HOME"] = null },
        };

        var result = await Processes.RunAsync(spec, TimeSpan.FromSeconds(10), CancellationToken.None).WaitAsync(TestTimeout);

        Assert.Equal("valueunset", result.StandardOutput);
    }

    [Fact]
    public async Task RunningProcess_Disposed_StopsItWithSigterm()
    {
        var running = Processes.Start(new ProcessSpec("/bin/sh", ["-c", "trap 'echo terminated; exit 0' TERM; echo ready; while :; do sleep 0.05; done"]));
        await running.WaitForOutputAsync("ready", TestTimeout);

        await running.DisposeAsync().AsTask().WaitAsync(TestTimeout);

        Assert.True(running.HasExited);
        Assert.Contains("terminated", running.StandardOutput);
    }

    // --- RgbColour and RgbImage ---

    [Theory]
    [InlineData("#ff8000", 0xff, 0x80, 0x00)]
    [InlineData("#00FF7f", 0x00, 0xff, 0x7f)]
    public void RgbColour_Parse_ReadsHexChannels(string text, byte r, byte g, byte b)
    {
        Assert.Equal(new RgbColour(r, g, b), RgbColour.Parse(text));
    }

    [Fact]
    public void RgbColour_ToString_IsWhatXsetrootTakes()
    {
        Assert.Equal("#ff8000", new RgbColour(0xff, 0x80, 0x00).ToString());
    }

    [Theory]
    [InlineData("ff8000")]
    [InlineData("#ff800")]
    [InlineData("#ff80000")]
    [InlineData("#gg8000")]
    [InlineData("#+f8000")]
    public void RgbColour_Parse_RejectsOtherForms(string text)
    {
        Assert.Throws<FormatException>(() => RgbColour.Parse(text));
    }

    [Theory]
    [InlineData("P6\n2 1\n255\n")]
    [InlineData("P6 2 1 255 ")]
    [InlineData("P6\t2\r\n1\r255\r")]
    [InlineData("P6\n# by a test\n2 1\n255\n")]
    [InlineData("P6#right after the magic\n2#after width\n 1\n#before maxval\n255\n")]
    public void ParsePpm_HeaderWhitespaceAndComments_AreSkipped(string header)
    {
        var ppm = Ppm(header, [0xff, 0x80, 0x00, 0x01, 0x02, 0x03]);

        var image = RgbImage.ParsePpm(ppm);

        Assert.Equal(2, image.Width);
        Assert.Equal(1, image.Height);
        Assert.Equal(6, image.Rgb.Length);
        Assert.Equal(ppm[^6..], image.Rgb);
    }

    [Fact]
    public void ParsePpm_RasterStartingWithHash_IsPixelDataNotAComment()
    {
        var image = RgbImage.ParsePpm(Ppm("P6\n1 1\n255\n", [(byte)'#', (byte)'\n', 1]));

        Assert.Equal(new RgbColour((byte)'#', (byte)'\n', 1), image[0, 0]);
    }

    [Fact]
    public void ParsePpm_TrailingImage_IsIgnored()
    {
        var image = RgbImage.ParsePpm(Ppm("P6 1 1 255\n", [1, 2, 3, (byte)'P', (byte)'6']));

        Assert.Equal(new RgbColour(1, 2, 3), image[0, 0]);
    }

    [Theory]
    [InlineData("P3\n1 1\n255\n", "magic")]
    [InlineData("P5\n1 1\n255\n", "magic")]
    [InlineData("", "magic")]
    [InlineData("P6\n1 1\n65535\n", "maxval")]
    [InlineData("P6\n0 1\n255\n", "size")]
    [InlineData("P6\n1 x\n255\n", "height")]
    [InlineData("P61 1\n255\n", "width")]
    [InlineData("P6\n1 1\n255", "whitespace")]
    [InlineData("P6\n1 1\n255#\n", "whitespace")]
    [InlineData("P6\n99999999999 1\n255\n", "size")]
    public void ParsePpm_BadHeader_IsRejected(string header, string complaint)
    {
        var failure = Assert.Throws<FormatException>(() => RgbImage.ParsePpm(Ppm(header, [1, 2, 3])));

        Assert.Contains(complaint, failure.Message);
    }

    [Fact]
    public void ParsePpm_ShortRaster_IsRejected()
    {
        var failure = Assert.Throws<FormatException>(() => RgbImage.ParsePpm(Ppm("P6\n2 2\n255\n", new byte[11])));

        Assert.Contains("needs 12 bytes", failure.Message);
    }

    [Fact]
    public void FractionNear_CountsPixelsWithinToleranceOnEveryChannel()
    {
        var image = new RgbImage(4, 1, [255, 128, 0, 247, 136, 8, 246, 128, 0, 0, 0, 0]);

        Assert.Equal(0.5, image.FractionNear(Orange, tolerance: 8));
        Assert.Equal(0.25, image.FractionNear(Orange, tolerance: 0));
    }

    private static void AssertShows(RgbImage image, XvncServer server, RgbColour colour, int tolerance)
    {
        var context = $"{server}: captured {image.Describe()}\n{server.Log}";
        Assert.True(image.Width == server.Width && image.Height == server.Height, $"expected {server.Width}x{server.Height}; {context}");
        var fraction = image.FractionNear(colour, tolerance);
        Assert.True(fraction >= 0.95, $"only {fraction:P1} of pixels within {tolerance} of {colour}; {context}");
    }

    private static byte[] Ppm(string header, byte[] raster) => [.. Encoding.ASCII.GetBytes(header), .. raster];

    private static int UnusedPort()
    {
        // Bound and released: nothing listens there for the moment the test needs.
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
