using System.Globalization;

namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>
/// A headless X server (Xvfb) for one desktop viewer: its own display number, no TCP listener, and a
/// way to see what a person would see on it (a screenshot, or the text on it read by OCR).
/// </summary>
internal sealed class XvfbDisplay : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan DumpTimeout = TimeSpan.FromSeconds(20);

    private readonly RunningProcess xvfb;
    private readonly TemporaryDirectory directory;

    private XvfbDisplay(int number, RunningProcess xvfb, TemporaryDirectory directory)
    {
        Number = number;
        this.xvfb = xvfb;
        this.directory = directory;
    }

    public int Number { get; }

    /// <summary>The display as DISPLAY takes it: <c>:N</c>.</summary>
    public string Name => ":" + Number.ToString(CultureInfo.InvariantCulture);

    /// <summary>Starts Xvfb with one 24-bit screen and waits for its socket.</summary>
    public static async Task<XvfbDisplay> StartAsync(int width, int height, CancellationToken cancellationToken)
    {
        var number = XDisplays.Reserve();
        var directory = TemporaryDirectory.Create("xcptunnel-xvfb-");
        var name = ":" + number.ToString(CultureInfo.InvariantCulture);
        var xvfb = Processes.Start(new ProcessSpec(
            PeerProgram.Xvfb.Require(),
            [name, "-screen", "0", FormattableString.Invariant($"{width}x{height}x24"), "-nolisten", "tcp"]));
        try
        {
            var deadline = DateTime.UtcNow + StartTimeout;
            while (!File.Exists(XDisplays.SocketPath(number)))
            {
                if (xvfb.HasExited || DateTime.UtcNow > deadline)
                {
                    throw new ProcessFailedException(xvfb.Describe($"Xvfb {name} did not start within {StartTimeout.TotalSeconds:0} s"));
                }

                await Task.Delay(50, cancellationToken);
            }

            return new XvfbDisplay(number, xvfb, directory);
        }
        catch
        {
            await xvfb.DisposeAsync();
            XDisplays.Release(number);
            directory.Dispose();
            throw;
        }
    }

    /// <summary>The whole screen as a person would see it; the PNG stays in this display's directory for failure messages.</summary>
    public async Task<RgbImage> ScreenshotAsync(CancellationToken cancellationToken) =>
        RgbImage.ParsePpm(await File.ReadAllBytesAsync(await DumpAsync(cancellationToken), cancellationToken));

    /// <summary>The text on the screen, read by tesseract: compare it with <see cref="ScreenText.Shows"/>, not exactly.</summary>
    public async Task<string> ReadTextAsync(CancellationToken cancellationToken) =>
        await Ocr.ReadAsync(await DumpAsync(cancellationToken), directory, cancellationToken);

    /// <summary>Reads the screen until its text shows <paramref name="text"/>; fails with the last text read.</summary>
    public async Task<string> WaitForTextAsync(string text, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var read = await ReadTextAsync(cancellationToken);
            if (ScreenText.Shows(read, text))
            {
                return read;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the screen of Xvfb {Name} never showed '{text}' within {timeout.TotalSeconds:0} s; the last OCR read:\n{read}");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>Environment for a program to run on this display, with a private home so it never touches the user's settings.</summary>
    public Dictionary<string, string?> Environment(string home) => new()
    {
        ["DISPLAY"] = Name,
        ["HOME"] = home,
        ["XDG_CONFIG_HOME"] = Path.Combine(home, ".config"),
        ["XDG_DATA_HOME"] = Path.Combine(home, ".local", "share"),
        ["XDG_CACHE_HOME"] = Path.Combine(home, ".cache"),
        ["XDG_RUNTIME_DIR"] = null,
        // No session bus: a GTK program would otherwise hand its work to an instance already on the
        // developer's desktop, or autolaunch a bus that outlives the test.
        ["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=" + Path.Combine(home, "no-session-bus"),
        ["WAYLAND_DISPLAY"] = null,
        ["LANG"] = "C.UTF-8",
        ["LANGUAGE"] = null,
        ["LC_ALL"] = null,
    };

    public async ValueTask DisposeAsync()
    {
        await xvfb.DisposeAsync();
        XDisplays.Release(Number);
        directory.Dispose();
    }

    /// <summary>
    /// Dumps the root window and converts it to an 8-bit PPM. Xvfb's 24-bit visual is DirectColor, for which
    /// xwdtopnm writes 16 bits per sample; tesseract reads that as a blank page, and RgbImage takes 8 bits only.
    /// </summary>
    private async Task<string> DumpAsync(CancellationToken cancellationToken)
    {
        var dump = directory.File("screen.xwd");
        await Processes.RunAsync(
            new ProcessSpec(PeerProgram.Xwd.Require(), ["-root", "-silent", "-display", Name, "-out", dump]), DumpTimeout, cancellationToken);
        var wide = await NetPbm.ConvertAsync(PeerProgram.XwdToPnm, [dump], directory.File("screen-16bit.ppm"), cancellationToken);
        return await NetPbm.ConvertAsync(PeerProgram.PamDepth, ["255", wide], directory.File("screen.ppm"), cancellationToken);
    }
}
