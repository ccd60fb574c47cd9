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
    public static readonly PeerProgram PnmToXwd = new("pnmtoxwd", "netpbm");
    public static readonly PeerProgram Xwud = new("xwud", "x11-apps");
    public static readonly PeerProgram PromTool = new("promtool", "prometheus");
    public static readonly PeerProgram Prometheus = new("prometheus", "prometheus");
    public static readonly PeerProgram Chromium = new("chromium", "chromium");
    public static readonly PeerProgram SystemdSocketActivate = new("systemd-socket-activate", "systemd");
    public static readonly PeerProgram Dotnet = new("dotnet", "the .NET SDK");
    public static readonly PeerProgram GvncViewer = new("gvncviewer", "gvncviewer");
    public static readonly PeerProgram Remmina = new("remmina", "remmina");
    public static readonly PeerProgram TigerVncPasswd = new("tigervncpasswd", "tigervnc-tools");
    public static readonly PeerProgram XDoTool = new("xdotool", "xdotool");
    public static readonly PeerProgram PamScale = new("pamscale", "netpbm");
    public static readonly PeerProgram PpmToPgm = new("ppmtopgm", "netpbm");
    public static readonly PeerProgram PamDepth = new("pamdepth", "netpbm");
    public static readonly PeerProgram Tesseract = new("tesseract", "tesseract-ocr");
    public static readonly PeerProgram Sshd = new("sshd", "openssh-server");
    public static readonly PeerProgram Ssh = new("ssh", "openssh-client");
    public static readonly PeerProgram SshKeygen = new("ssh-keygen", "openssh-client");
    public static readonly PeerProgram UserAdd = new("useradd", "passwd");
    public static readonly PeerProgram UserDel = new("userdel", "passwd");
    public static readonly PeerProgram Chown = new("chown", "coreutils");
    public static readonly PeerProgram SocketStatistics = new("ss", "iproute2");
    public static readonly PeerProgram Curl = new("curl", "curl");

    // Administration tools (sshd, useradd) live in sbin, which a developer's PATH may lack.
    private static readonly string[] SystemDirectories = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];

    /// <summary>The program's full path on <c>PATH</c>.</summary>
    /// <exception cref="InvalidOperationException">It is not installed; the message says what to install.</exception>
    public string Require()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries);
        foreach (var directory in path.Concat(SystemDirectories))
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
