namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>
/// A real program the end-to-end tests talk to, installed by test.sh from Debian. A missing one fails
/// the test with the install line, so CI never passes by skipping a peer.
/// </summary>
internal sealed record PeerProgram(string Name, string DebianPackage)
{
    public static readonly PeerProgram Xvnc = new("Xvnc", "tigervnc-standalone-server");
    public static readonly PeerProgram XSetRoot = new("xsetroot", "x11-xserver-utils");
    public static readonly PeerProgram GvncCapture = new("gvnccapture", "gvncviewer");
    public static readonly PeerProgram VncSnapshot = new("vncsnapshot", "vncsnapshot");
    public static readonly PeerProgram PngToPnm = new("pngtopnm", "netpbm");
    public static readonly PeerProgram JpegToPnm = new("jpegtopnm", "netpbm");
    public static readonly PeerProgram Socat = new("socat", "socat");
    public static readonly PeerProgram Xvfb = new("Xvfb", "xvfb");
    public static readonly PeerProgram TigerVncViewer = new("xtigervncviewer", "tigervnc-viewer");
    public static readonly PeerProgram Xwd = new("xwd", "x11-apps");
    public static readonly PeerProgram XwdToPnm = new("xwdtopnm", "netpbm");
    public static readonly PeerProgram PromTool = new("promtool", "prometheus");
    public static readonly PeerProgram SystemdSocketActivate = new("systemd-socket-activate", "systemd");
    public static readonly PeerProgram Dotnet = new("dotnet", "the .NET SDK");

    /// <summary>The program's full path on <c>PATH</c>.</summary>
    /// <exception cref="InvalidOperationException">It is not installed; the message says what to install.</exception>
    public string Require()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, Name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"{Name} is not installed: apt-get install {DebianPackage} (./test.sh does this)");
    }
}
