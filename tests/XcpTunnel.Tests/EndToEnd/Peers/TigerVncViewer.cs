using System.Globalization;

namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>
/// TigerVNC's desktop viewer, as a person runs it, on its own headless X server (Xvfb): tests read
/// what it logs (the server's failure reason included) and take screenshots of what it shows.
/// </summary>
internal sealed class TigerVncViewer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly int _display;
    private readonly RunningProcess _xvfb;
    private readonly RunningProcess _viewer;
    private readonly TemporaryDirectory _directory;

    private TigerVncViewer(int display, RunningProcess xvfb, RunningProcess viewer, TemporaryDirectory directory)
    {
        _display = display;
        _xvfb = xvfb;
        _viewer = viewer;
        _directory = directory;
    }

    /// <summary>What the viewer has logged so far (it logs the server's failure reason).</summary>
    public string Log => _viewer.StandardError + _viewer.StandardOutput;

    /// <summary>Starts Xvfb and <c>xtigervncviewer host::port</c> on it.</summary>
    public static async Task<TigerVncViewer> StartAsync(string host, int port, CancellationToken cancellationToken)
    {
        var display = XDisplays.Reserve();
        var directory = TemporaryDirectory.Create("xcptunnel-tigervnc-");
        var xvfb = Processes.Start(new ProcessSpec(
            PeerProgram.Xvfb.Require(),
            [DisplayName(display), "-screen", "0", "1024x768x24", "-nolisten", "tcp"]));
        try
        {
            var deadline = DateTime.UtcNow + StartTimeout;
            while (!File.Exists(XDisplays.SocketPath(display)))
            {
                if (xvfb.HasExited || DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException(xvfb.Describe($"Xvfb {DisplayName(display)} did not start"));
                }

                await Task.Delay(50, cancellationToken);
            }

            var viewer = Processes.Start(new ProcessSpec(
                PeerProgram.TigerVncViewer.Require(),
                [FormattableString.Invariant($"{host}::{port}")])
            {
                Environment = new Dictionary<string, string?> { ["DISPLAY"] = DisplayName(display), ["HOME"] = directory.Path },
            });
            return new TigerVncViewer(display, xvfb, viewer, directory);
        }
        catch
        {
            await xvfb.DisposeAsync();
            XDisplays.Release(display);
            directory.Dispose();
            throw;
        }
    }

    /// <summary>Waits until the viewer's log contains <paramref name="text"/>.</summary>
    public async Task WaitForLogAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Log.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"xtigervncviewer never logged '{text}'; it logged:\n{Log}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The whole X screen, as a person would see it.</summary>
    public async Task<RgbImage> ScreenshotAsync(CancellationToken cancellationToken)
    {
        var dump = _directory.File("screen.xwd");
        await Processes.RunAsync(
            new ProcessSpec(PeerProgram.Xwd.Require(), ["-root", "-silent", "-display", DisplayName(_display), "-out", dump]),
            TimeSpan.FromSeconds(20),
            cancellationToken);
        return await NetPbm.DecodeWithAsync(PeerProgram.XwdToPnm, dump, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _viewer.DisposeAsync();
        await _xvfb.DisposeAsync();
        XDisplays.Release(_display);
        _directory.Dispose();
    }

    private static string DisplayName(int display) => ":" + display.ToString(CultureInfo.InvariantCulture);
}
