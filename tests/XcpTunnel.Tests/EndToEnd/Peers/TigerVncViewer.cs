using System.Diagnostics;

namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>
/// TigerVNC's desktop viewer, as a person runs it, on its own headless X server (Xvfb): tests read
/// what it logs (the server's failure reason included), take screenshots of what it shows and answer
/// its dialogs. On a failure it logs <c>CConn: Authentication failure: reason</c> and shows the same
/// text in a dialog titled <see cref="ErrorTitle"/> that offers to reconnect; it stays open until
/// disposed (killed).
/// </summary>
internal sealed class TigerVncViewer : IAsyncDisposable
{
    /// <summary>The title of the dialog that shows a connection failure ("… Attempt to reconnect?").</summary>
    public const string ErrorTitle = "TigerVNC Viewer";

    /// <summary>The VeNCrypt dialog when the certificate does not chain to <c>-X509CA</c>.</summary>
    public const string UnknownIssuerTitle = "Unknown certificate issuer";

    /// <summary>The VeNCrypt dialog when no name in the certificate matches the host as dialled.</summary>
    public const string HostnameMismatchTitle = "Certificate hostname mismatch";

    private static readonly TimeSpan DialogTimeout = TimeSpan.FromSeconds(20);

    private readonly XvfbDisplay _display;
    private readonly RunningProcess _viewer;
    private readonly TemporaryDirectory _home;
    private readonly Stopwatch _clock;

    private TigerVncViewer(XvfbDisplay display, RunningProcess viewer, TemporaryDirectory home, Stopwatch clock)
    {
        _display = display;
        _viewer = viewer;
        _home = home;
        _clock = clock;
    }

    /// <summary>What the viewer has logged so far (it logs the server's failure reason).</summary>
    public string Log => _viewer.StandardError + _viewer.StandardOutput;

    public XvfbDisplay Display => _display;

    public string CommandLine => _viewer.CommandLine;

    /// <summary>Starts Xvfb and <c>xtigervncviewer host::port</c> on it.</summary>
    public static Task<TigerVncViewer> StartAsync(string host, int port, CancellationToken cancellationToken) =>
        StartAsync(host, port, TigerVncOptions.None, cancellationToken);

    /// <summary>Starts Xvfb and <c>xtigervncviewer [options] host::port</c> on it, with a private HOME (saved certificates, settings).</summary>
    public static async Task<TigerVncViewer> StartAsync(string host, int port, TigerVncOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var display = await XvfbDisplay.StartAsync(1024, 768, cancellationToken);
        var home = TemporaryDirectory.Create("xcptunnel-tigervnc-");
        try
        {
            var viewer = Processes.Start(new ProcessSpec(
                PeerProgram.TigerVncViewer.Require(),
                [.. options.Arguments(), FormattableString.Invariant($"{host}::{port}")])
            {
                Environment = display.Environment(home.Path),
            });
            return new TigerVncViewer(display, viewer, home, Stopwatch.StartNew());
        }
        catch
        {
            await display.DisposeAsync();
            home.Dispose();
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

    /// <summary>
    /// Waits until the viewer's window shows a <paramref name="width"/>×<paramref name="height"/> desktop painted
    /// <paramref name="colour"/> (90 % of it, on the 1024×768 screen): the window is mapped and painted a moment after
    /// the handshake, so screenshots are taken until it is. <paramref name="serverLog"/> is read into the failure message.
    /// </summary>
    public async Task WaitForDesktopAsync(RgbColour colour, int width, int height, Func<string> serverLog, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var expected = (double)(width * height) / (1024 * 768) * 0.9;
        while (true)
        {
            var screen = await ScreenshotAsync(cancellationToken);
            var fraction = screen.FractionNear(colour, 8);
            if (fraction >= expected)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                var windows = await XDoTool.VisibleTitlesAsync(_display, cancellationToken);
                throw new TimeoutException(
                    $"only {fraction:P1} of the screen is {colour} (want {expected:P1}); {screen.Describe()}; windows: [{string.Join(", ", windows)}]\n{Log}\n{serverLog()}");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>The whole X screen, as a person would see it.</summary>
    public Task<RgbImage> ScreenshotAsync(CancellationToken cancellationToken) => _display.ScreenshotAsync(cancellationToken);

    /// <summary>
    /// Waits for the failure dialog and returns its text as OCR reads it; <see cref="ShownFailure.DebugLog"/>
    /// holds the viewer's log, where the same message is exact.
    /// </summary>
    public async Task<ShownFailure> ShownFailureAsync(CancellationToken cancellationToken)
    {
        await WaitForDialogAsync(ErrorTitle, cancellationToken);
        var elapsed = _clock.Elapsed;
        var text = await _display.ReadTextAsync(cancellationToken);
        return new ShownFailure("xtigervncviewer", FailureSurface.Screen, text, elapsed, Log);
    }

    /// <summary>Waits until a dialog titled <paramref name="title"/> is shown and returns the screen's text.</summary>
    public async Task<string> WaitForDialogAsync(string title, CancellationToken cancellationToken)
    {
        try
        {
            await XDoTool.WaitForWindowAsync(_display, "^" + System.Text.RegularExpressions.Regex.Escape(title) + "$", DialogTimeout, cancellationToken);
        }
        catch (ProcessFailedException e) when (e.TimedOut)
        {
            var titles = await XDoTool.VisibleTitlesAsync(_display, cancellationToken);
            throw new TimeoutException(
                $"xtigervncviewer showed no '{title}' dialog within {DialogTimeout.TotalSeconds:0} s; windows: [{string.Join(", ", titles)}]\n" +
                _viewer.Describe("viewer"), e);
        }

        return await _display.ReadTextAsync(cancellationToken);
    }

    /// <summary>
    /// Answers "No" (Escape) to a yes/no certificate dialog, as a careful user would; the viewer then logs
    /// <c>Authentication failure: Unknown certificate issuer</c> or <c>… Certificate hostname mismatch</c>.
    /// </summary>
    public async Task DeclineDialogAsync(string title, CancellationToken cancellationToken)
    {
        var window = await XDoTool.WaitForWindowAsync(
            _display, "^" + System.Text.RegularExpressions.Regex.Escape(title) + "$", DialogTimeout, cancellationToken);
        await XDoTool.PressAsync(_display, window, "Escape", cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _viewer.DisposeAsync();
        await _display.DisposeAsync();
        _home.Dispose();
    }
}
