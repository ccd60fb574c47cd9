using System.Diagnostics;
using System.Globalization;

namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>
/// gtk-vnc's desktop viewer, gvncviewer, on its own Xvfb. On a refusal it prints the server's reason on
/// stdout (<c>Authentication failed '…'</c>) and exits by itself, 0, within a fraction of a second; it
/// asks for a VNC password in a dialog, which this helper fills in as a person would.
/// </summary>
internal static class GvncViewer
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DialogTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Runs gvncviewer against a server that refuses, typing <paramref name="password"/> into its dialog when given.</summary>
    /// <exception cref="ProcessFailedException">It did not exit within <see cref="RunTimeout"/> (it was killed).</exception>
    public static async Task<ShownFailure> ShownFailureAsync(string host, int port, string? password, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(port, VncClients.FirstDisplayPort);
        await using var display = await XvfbDisplay.StartAsync(800, 600, cancellationToken);
        var clock = Stopwatch.StartNew();
        using var home = TemporaryDirectory.Create("xcptunnel-gvncviewer-");
        var address = string.Create(CultureInfo.InvariantCulture, $"{host}:{port - VncClients.FirstDisplayPort}");
        await using var viewer = Processes.Start(new ProcessSpec(PeerProgram.GvncViewer.Require(), ["--gtk-vnc-debug", address])
        {
            Environment = display.Environment(home.Path),
        });
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(RunTimeout);
        try
        {
            if (password is not null)
            {
                var dialog = await XDoTool.WaitForWindowAsync(display, "^Authentication required$", DialogTimeout, deadline.Token);
                await XDoTool.TypeAndEnterAsync(display, dialog, password, deadline.Token);
            }

            await viewer.WaitForExitAsync(deadline.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ProcessFailedException && !cancellationToken.IsCancellationRequested)
        {
            throw new ProcessFailedException(viewer.Describe($"gvncviewer did not show a failure and exit within {RunTimeout.TotalSeconds:0} s ({e.Message})"), e);
        }

        var (shown, debug) = VncClients.SplitGLibDebug(viewer.StandardOutput + viewer.StandardError, "gtk-vnc-DEBUG");
        return new ShownFailure("gvncviewer", FailureSurface.Terminal, shown, clock.Elapsed, debug);
    }
}
