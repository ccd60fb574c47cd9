using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>
/// TigerVNC's Xvnc as a stand-in VM console: an X server whose screen is served over RFB without
/// authentication on 127.0.0.1, with its root window painted one known colour by xsetroot.
/// Each instance has its own display number and port, so tests (and test runs) can run side by side.
/// </summary>
internal sealed class XvncServer : IAsyncDisposable
{
    private const string ListenAddress = "127.0.0.1";

    /// <summary>Start-up on a busy two-core CI machine, including xsetroot; normally well under a second.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Another process may take the display or port between our check and Xvnc's bind; then try others.</summary>
    private const int MaxStartAttempts = 5;

    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(50);
    private static readonly byte[] Rfb38Version = "RFB 003.008\n"u8.ToArray();

    // Ports handed out in this test process and not yet released: parallel tests in one process would
    // otherwise pick the same one before either Xvnc has bound it (displays: see XDisplays).
    private static readonly Lock ReservationGate = new();
    private static readonly HashSet<int> ReservedPorts = [];

    private readonly RunningProcess process;
    private readonly TemporaryDirectory directory;

    private XvncServer(RunningProcess process, TemporaryDirectory directory, int display, int port, RgbColour root, int width, int height)
    {
        this.process = process;
        this.directory = directory;
        DisplayNumber = display;
        Port = port;
        Root = root;
        Width = width;
        Height = height;
    }

    public string Host { get; } = ListenAddress;

    public int Port { get; }

    public int DisplayNumber { get; }

    /// <summary>The X display, as DISPLAY takes it: <c>:N</c>.</summary>
    public string Display => string.Create(CultureInfo.InvariantCulture, $":{DisplayNumber}");

    public RgbColour Root { get; }

    public int Width { get; }

    public int Height { get; }

    public string CommandLine => process.CommandLine;

    /// <summary>What Xvnc has written so far (it logs to stderr); put it in failure messages.</summary>
    public string Log => process.StandardError + process.StandardOutput;

    public static Task<XvncServer> StartAsync(RgbColour root, CancellationToken cancellationToken) =>
        StartAsync(root, 640, 480, cancellationToken);

    public static Task<XvncServer> StartAsync(RgbColour root, int width, int height, CancellationToken cancellationToken) =>
        StartAsync(root, width, height, XvncSecurity.None, cancellationToken);

    /// <summary>Starts Xvnc with the given security types (VNC password, VeNCrypt certificate) instead of None.</summary>
    public static async Task<XvncServer> StartAsync(RgbColour root, int width, int height, XvncSecurity security, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(security);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var xvnc = PeerProgram.Xvnc.Require();
        var xsetroot = PeerProgram.XSetRoot.Require();

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(StartTimeout);
        var failures = new StringBuilder();
        for (var attempt = 1; attempt <= MaxStartAttempts; attempt++)
        {
            var (display, port) = Reserve();
            var directory = TemporaryDirectory.Create("xcptunnel-xvnc-");
            RunningProcess? process = null;
            var handedOut = false;
            try
            {
                process = Processes.Start(new ProcessSpec(xvnc, [.. XvncArguments(display, port, width, height), .. security.Arguments()])
                {
                    // Xvnc keeps no ~/.vnc state itself, but whatever it starts (xkbcomp) gets a private home.
                    Environment = new Dictionary<string, string?> { ["HOME"] = directory.Path },
                    WorkingDirectory = directory.Path,
                });
                if (!await WaitUntilServingAsync(process, port, deadline.Token))
                {
                    failures.AppendLine(process.Describe($"attempt {attempt}: Xvnc exited with {process.ExitCode} while starting"));
                    if (IsClash(process.StandardError))
                    {
                        continue;
                    }

                    throw new ProcessFailedException(failures.ToString(), process.CommandLine, process.ExitCode, timedOut: false);
                }

                await SetRootAsync(xsetroot, display, root, process, deadline.Token);
                handedOut = true;
                return new XvncServer(process, directory, display, port, root, width, height);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException(
                    $"Xvnc :{display} was not serving RFB on {ListenAddress}:{port} with its root set within {StartTimeout.TotalSeconds:0} s\n" +
                    failures + process?.Describe("Xvnc so far"));
            }
            finally
            {
                if (!handedOut)
                {
                    await CleanUpAsync(process, directory, display, port);
                }
            }
        }

        throw new ProcessFailedException($"Xvnc found no free display and port in {MaxStartAttempts} attempts:\n{failures}");
    }

    public async ValueTask DisposeAsync() => await CleanUpAsync(process, directory, DisplayNumber, Port);

    public override string ToString() => $"Xvnc {Display} on {Host}:{Port}";

    private static string[] XvncArguments(int display, int port, int width, int height) =>
    [
        FormattableString.Invariant($":{display}"),
        "-rfbport", port.ToString(CultureInfo.InvariantCulture),
        "-interface", ListenAddress,
        "-geometry", FormattableString.Invariant($"{width}x{height}"),
        "-depth", "24",
        // X clients (xsetroot) use the Unix socket only; no X port 6000+N to clash with anything.
        "-nolisten", "tcp",
        // X servers reset, repainting the root, when their last client leaves. TigerVNC 1.12 kept
        // xsetroot's colour without this flag too; it is here so that never depends on that.
        "-noreset",
        // Several viewers (or a tunnel and a direct client) on one console, as XenServer allows.
        "-AlwaysShared",
        "-desktop", "xcptunnel-e2e",
    ];

    private static bool IsClash(string log) =>
        log.Contains("Server is already active for display", StringComparison.Ordinal) ||
        log.Contains("Address already in use", StringComparison.Ordinal);

    // xsetroot exits once the server has the new background; the next frame a viewer gets shows it.
    private static async Task SetRootAsync(string xsetroot, int display, RgbColour root, RunningProcess xvnc, CancellationToken cancellationToken)
    {
        var spec = new ProcessSpec(xsetroot, ["-solid", root.ToString()])
        {
            Environment = new Dictionary<string, string?> { ["DISPLAY"] = FormattableString.Invariant($":{display}") },
        };
        try
        {
            await Processes.RunAsync(spec, StartTimeout, cancellationToken);
        }
        catch (ProcessFailedException e)
        {
            throw new ProcessFailedException(e.Message + xvnc.Describe("Xvnc log"), e);
        }
    }

    /// <summary>True once the port greets with RFB 3.8; false if Xvnc exited first.</summary>
    private static async Task<bool> WaitUntilServingAsync(RunningProcess process, int port, CancellationToken cancellationToken)
    {
        var greeting = new byte[Rfb38Version.Length];
        while (!process.HasExited)
        {
            using var client = new TcpClient(AddressFamily.InterNetwork);
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                await client.GetStream().ReadExactlyAsync(greeting, cancellationToken);
            }
            catch (Exception e) when (e is SocketException or EndOfStreamException or IOException)
            {
                // Not listening yet, or it dropped us while starting: poll again, or notice the exit.
                await Task.WhenAny(process.Exited, Task.Delay(ProbeInterval, cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
                continue;
            }

            if (!greeting.AsSpan().SequenceEqual(Rfb38Version))
            {
                throw new ProcessFailedException(
                    $"{ListenAddress}:{port} greeted with '{Encoding.ASCII.GetString(greeting).TrimEnd()}', not RFB 003.008 (is someone else on the port?)\n" +
                    process.Describe("Xvnc"));
            }

            return !process.HasExited;
        }

        return false;
    }

    private static (int Display, int Port) Reserve()
    {
        var display = XDisplays.Reserve();
        lock (ReservationGate)
        {
            var port = FreePort();
            ReservedPorts.Add(port);
            return (display, port);
        }
    }

    // The kernel's choice of a free port. It must be ≥ 5900 for gvnccapture, which addresses a server
    // by display number (port 5900 + display); Linux's ephemeral range starts at 32768.
    private static int FreePort()
    {
        for (var i = 0; i < 100; i++)
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
            if (port >= VncClients.FirstDisplayPort && !ReservedPorts.Contains(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException("the kernel handed out no free port ≥ 5900 in 100 tries");
    }

    private static async Task CleanUpAsync(RunningProcess? process, TemporaryDirectory directory, int display, int port)
    {
        try
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }
        }
        finally
        {
            directory.Dispose();
            XDisplays.Release(display);
            lock (ReservationGate)
            {
                ReservedPorts.Remove(port);
            }
        }
    }
}
