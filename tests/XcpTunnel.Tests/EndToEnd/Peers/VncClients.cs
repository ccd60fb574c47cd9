using System.Globalization;

namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>
/// Stock VNC clients from Debian, each taking one screenshot of a VNC server. They run without a
/// terminal or X display and fail with their command line and output.
/// </summary>
internal static partial class VncClients
{
    /// <summary>Both clients take well under a second against a local server; this is for a hung handshake.</summary>
    public static readonly TimeSpan CaptureTimeout = TimeSpan.FromSeconds(20);

    /// <summary>The port of VNC display 0. gvnccapture can reach nothing below it.</summary>
    public const int FirstDisplayPort = 5900;

    /// <summary>
    /// Captures with gtk-vnc's gvnccapture (lossless PNG). It takes the server as <c>host:display</c> and
    /// connects to 5900 + display; <c>host::port</c> is not understood (it reads display 0), so
    /// <paramref name="port"/> must be at least 5900.
    /// </summary>
    public static async Task<RgbImage> GvncCaptureAsync(string host, int port, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(port, FirstDisplayPort);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        var display = (port - FirstDisplayPort).ToString(CultureInfo.InvariantCulture);
        using var directory = TemporaryDirectory.Create("xcptunnel-gvnccapture-");
        var png = directory.File("capture.png");
        return await CaptureAsync(PeerProgram.GvncCapture, ["--quiet", $"{CheckHost(host)}:{display}", png], png, cancellationToken);
    }

    /// <summary>
    /// Captures with vncsnapshot, asking for raw encoding only, so the server's encoders are not part of
    /// what is tested. It writes a JPEG, so compare colours with a tolerance. <c>-allowblank</c> matters:
    /// without it vncsnapshot waits, until killed, for a frame that is not all black.
    /// </summary>
    public static async Task<RgbImage> VncSnapshotAsync(string host, int port, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        using var directory = TemporaryDirectory.Create("xcptunnel-vncsnapshot-");
        var jpeg = directory.File("capture.jpg");
        string[] arguments =
            ["-quiet", "-allowblank", "-encodings", "raw", string.Create(CultureInfo.InvariantCulture, $"{CheckHost(host)}::{port}"), jpeg];
        return await CaptureAsync(PeerProgram.VncSnapshot, arguments, jpeg, cancellationToken);
    }

    private static async Task<RgbImage> CaptureAsync(PeerProgram client, string[] arguments, string output, CancellationToken cancellationToken)
    {
        var result = await Processes.RunAsync(new ProcessSpec(client.Require(), arguments), CaptureTimeout, cancellationToken);
        if (!File.Exists(output) || new FileInfo(output).Length == 0)
        {
            throw new ProcessFailedException(
                $"exited 0 but wrote no {Path.GetFileName(output)}: {result.CommandLine}\n{result.StandardOutput}{result.StandardError}",
                result.CommandLine, result.ExitCode, timedOut: false);
        }

        return await NetPbm.DecodeAsync(output, cancellationToken);
    }

    // Neither client reaches an IPv6 literal (tried ::1:display, ::1::port and [::1]::port): both read
    // the first ':' as the end of the host.
    private static string CheckHost(string host)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        return host.Contains(':', StringComparison.Ordinal)
            ? throw new ArgumentException($"'{host}': the clients take host:display, so an IPv6 literal cannot be addressed; use a name or IPv4", nameof(host))
            : host;
    }
}
