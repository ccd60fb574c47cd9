using System.Diagnostics;

namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>
/// Remmina (GTK) with its VNC plugin (libvncclient), on its own Xvfb, connecting with a generated profile
/// in a private home, so no user configuration is read or written. It shows a failure in an info bar
/// inside its window (<c>VNC connection failed: reason</c>) and stays open, so tests read the screen by
/// OCR and then dispose (kill) it. <c>G_MESSAGES_DEBUG=all</c> makes it log libvncclient's messages too.
/// </summary>
internal sealed class RemminaViewer : IAsyncDisposable
{
    /// <summary>Without this file <c>remmina -c</c> on a VNC profile shows "plugin not found" instead of connecting.</summary>
    public const string VncPlugin = "/usr/lib/x86_64-linux-gnu/remmina/plugins/remmina-plugin-vnc.so";

    /// <summary>Logged once libvncclient has given up on a connection (its reason is logged just before).</summary>
    private const string InitializationFailed = "Client initialization failed";

    private static readonly TimeSpan ShowTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// What Remmina settles on once a connection has failed: its info bar, or — after a failed VNC
    /// Authentication, and 2 s of "Could not authenticate, attempting reconnection..." — a new password prompt.
    /// </summary>
    private static readonly string[] FailureScreens = ["VNC connection failed", "Enter VNC password"];

    private readonly XvfbDisplay display;
    private readonly RunningProcess remmina;
    private readonly TemporaryDirectory home;
    private readonly Stopwatch clock;

    private RemminaViewer(XvfbDisplay display, RunningProcess remmina, TemporaryDirectory home, Stopwatch clock)
    {
        this.display = display;
        this.remmina = remmina;
        this.home = home;
        this.clock = clock;
    }

    /// <summary>What Remmina has logged, libvncclient's messages included.</summary>
    public string Log => remmina.StandardError + remmina.StandardOutput;

    public XvfbDisplay Display => display;

    public string CommandLine => remmina.CommandLine;

    /// <summary>Starts Xvfb and <c>remmina -c profile</c> for <c>host:port</c>; <paramref name="password"/> goes into the profile, encrypted as Remmina keeps it.</summary>
    public static async Task<RemminaViewer> StartAsync(string host, int port, string? password, CancellationToken cancellationToken)
    {
        var program = PeerProgram.Remmina.Require();
        if (!File.Exists(VncPlugin))
        {
            throw new InvalidOperationException($"{VncPlugin} is not installed: apt-get install remmina-plugin-vnc (./test.sh does this)");
        }

        var display = await XvfbDisplay.StartAsync(800, 600, cancellationToken);
        var home = TemporaryDirectory.Create("xcptunnel-remmina-");
        try
        {
            var profile = RemminaProfile.Write(home.Path, host, port, password);
            var environment = display.Environment(home.Path);
            environment["G_MESSAGES_DEBUG"] = "all";
            var remmina = Processes.Start(new ProcessSpec(program, ["-c", profile]) { Environment = environment, WorkingDirectory = home.Path });
            return new RemminaViewer(display, remmina, home, Stopwatch.StartNew());
        }
        catch
        {
            await display.DisposeAsync();
            home.Dispose();
            throw;
        }
    }

    public Task<RgbImage> ScreenshotAsync(CancellationToken cancellationToken) => display.ScreenshotAsync(cancellationToken);

    /// <summary>The text on the screen as OCR reads it.</summary>
    public Task<string> ReadScreenAsync(CancellationToken cancellationToken) => display.ReadTextAsync(cancellationToken);

    /// <summary>
    /// Waits until libvncclient has given up and the window shows what follows (the info bar, or the
    /// password prompt Remmina retries with after a failed VNC Authentication), and returns that screen.
    /// </summary>
    public async Task<ShownFailure> ShownFailureAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + ShowTimeout;
        while (!Log.Contains(InitializationFailed, StringComparison.Ordinal))
        {
            if (remmina.HasExited || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(remmina.Describe(
                    remmina.HasExited ? $"remmina exited with {remmina.ExitCode} before failing a connection" : $"remmina logged no '{InitializationFailed}' within {ShowTimeout.TotalSeconds:0} s"));
            }

            await Task.Delay(100, cancellationToken);
        }

        while (true)
        {
            var at = clock.Elapsed;
            var text = await display.ReadTextAsync(cancellationToken);
            if (FailureScreens.Any(screen => ScreenText.Shows(text, screen)))
            {
                return new ShownFailure("remmina", FailureSurface.Screen, text, at, Log);
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"remmina's screen showed none of [{string.Join(", ", FailureScreens)}] within {ShowTimeout.TotalSeconds:0} s; OCR read:\n{text}\n{remmina.Describe("remmina")}");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await remmina.DisposeAsync();
        await display.DisposeAsync();
        home.Dispose();
    }
}
