using System.Diagnostics;
using System.Globalization;

namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>What the command-line clients print when a server turns them away.</summary>
internal static partial class VncClients
{
    /// <summary>
    /// Runs vncsnapshot against a server that refuses and returns what it printed. vncsnapshot 1.2a speaks
    /// RFB 3.3 whatever the server offers, so only the 3.3 form (security-type 0 + reason) reaches it; with
    /// <paramref name="passwordFile"/> (<see cref="VncPasswordFile"/>) it answers VNC Authentication.
    /// </summary>
    /// <exception cref="ProcessFailedException">It exited 0 (the server did not refuse) or hung past <see cref="CaptureTimeout"/>.</exception>
    public static async Task<ShownFailure> VncSnapshotShownFailureAsync(string host, int port, string? passwordFile, CancellationToken cancellationToken)
    {
        using var directory = TemporaryDirectory.Create("xcptunnel-vncsnapshot-");
        List<string> arguments = ["-allowblank"];
        if (passwordFile is not null)
        {
            arguments.AddRange(["-passwd", passwordFile]);
        }

        arguments.AddRange([string.Create(CultureInfo.InvariantCulture, $"{CheckHost(host)}::{port}"), directory.File("capture.jpg")]);
        var (result, elapsed) = await RunRefusedAsync(new ProcessSpec(PeerProgram.VncSnapshot.Require(), arguments), cancellationToken);
        return new ShownFailure("vncsnapshot", FailureSurface.Terminal, result.StandardOutput + result.StandardError, elapsed, DebugLog: string.Empty);
    }

    /// <summary>
    /// Runs gvnccapture with <c>--debug</c> against a server that refuses. <see cref="ShownFailure.Text"/> is
    /// what a user sees without the flag; gtk-vnc's debug lines, where it logs the server's reason, are
    /// <see cref="ShownFailure.DebugLog"/>. It reads a VNC password from a terminal only, so VNC
    /// Authentication cannot be answered here.
    /// </summary>
    /// <exception cref="ProcessFailedException">It exited 0 (the server did not refuse) or hung past <see cref="CaptureTimeout"/>.</exception>
    public static async Task<ShownFailure> GvncCaptureShownFailureAsync(string host, int port, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(port, FirstDisplayPort);
        var display = (port - FirstDisplayPort).ToString(CultureInfo.InvariantCulture);
        using var directory = TemporaryDirectory.Create("xcptunnel-gvnccapture-");
        var spec = new ProcessSpec(PeerProgram.GvncCapture.Require(), ["--debug", $"{CheckHost(host)}:{display}", directory.File("capture.png")]);
        var (result, elapsed) = await RunRefusedAsync(spec, cancellationToken);
        var (shown, debug) = SplitGLibDebug(result.StandardOutput + result.StandardError, "gtk-vnc-DEBUG");
        return new ShownFailure("gvnccapture", FailureSurface.Terminal, shown, elapsed, debug);
    }

    /// <summary>
    /// Separates GLib debug messages (<c>(prog:pid): domain-DEBUG: …</c>, with their indented continuation
    /// lines) from everything else; blank lines and GLib's CRITICAL/WARNING noise stay with the rest.
    /// </summary>
    public static (string Shown, string Debug) SplitGLibDebug(string output, string debugMarker)
    {
        ArgumentNullException.ThrowIfNull(output);
        var shown = new List<string>();
        var debug = new List<string>();
        var inDebug = false;
        foreach (var line in output.Split('\n'))
        {
            inDebug = line.Contains(debugMarker, StringComparison.Ordinal) || (inDebug && line.StartsWith(' '));
            (inDebug ? debug : shown).Add(line);
        }

        return (string.Join('\n', shown.Where(line => line.Trim().Length > 0)), string.Join('\n', debug));
    }

    private static async Task<(ProcessResult Result, TimeSpan Elapsed)> RunRefusedAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var result = await Processes.RunToExitAsync(spec, CaptureTimeout, cancellationToken);
        if (result.ExitCode == 0)
        {
            throw new ProcessFailedException(result.Describe("exited 0: the server let it in"), result.CommandLine, result.ExitCode, timedOut: false);
        }

        return (result, clock.Elapsed);
    }
}
