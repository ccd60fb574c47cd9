using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>The kernel's view of this machine's IPv4 TCP sockets: who listens, and which user owns a connection.</summary>
internal static partial class TcpSockets
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// True when something listens on 127.0.0.1:<paramref name="port"/>. Read from /proc/net/tcp rather
    /// than by connecting, which would make a forwarder open a connection to its target.
    /// </summary>
    public static bool IsListeningOnLoopback(int port)
    {
        // /proc/net/tcp: "  sl local_address rem_address st ...", addresses as little-endian hex IP ':' hex
        // port; st 0A is LISTEN. 127.0.0.1 is 0100007F.
        var local = string.Create(CultureInfo.InvariantCulture, $"0100007F:{port:X4}");
        return File.ReadLines("/proc/net/tcp").Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Any(fields => fields.Length > 3 && fields[1] == local && fields[3] == "0A");
    }

    /// <summary>
    /// The owner of the established socket <paramref name="local"/> → <paramref name="remote"/>, as
    /// <c>ss -tnpe</c> shows it: the uid (ss prints none for root, which is 0 here) and the ss line.
    /// </summary>
    public static async Task<(int Uid, string Line)> OwnerAsync(IPEndPoint local, IPEndPoint remote, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(remote);
        var filter = string.Create(CultureInfo.InvariantCulture, $"src {local.Address}:{local.Port} and dst {remote.Address}:{remote.Port}");
        var result = await Processes.RunAsync(
            new ProcessSpec(PeerProgram.SocketStatistics.Require(), ["-tnpeH", "state", "established", filter]), Timeout, cancellationToken);
        var line = result.StandardOutput.Trim();
        if (line.Length == 0 || line.Contains('\n', StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"expected one socket {local} → {remote}; {result.CommandLine} printed:\n{result.StandardOutput}");
        }

        var uid = UidField().Match(line);
        return (uid.Success ? int.Parse(uid.Groups[1].Value, CultureInfo.InvariantCulture) : 0, line);
    }

    [GeneratedRegex(@"\buid:(\d+)\b")]
    private static partial Regex UidField();
}
