using System.Net.Sockets;
using System.Text;

namespace XcpTunnel.Systemd;

/// <summary>
/// The service manager's notification socket (<c>sd_notify(3)</c>): newline-separated <c>KEY=VALUE</c>
/// assignments, one datagram per state change, to the unix socket named by <c>NOTIFY_SOCKET</c>.
/// Read from the environment rather than from who our parent is, so it works under <c>systemd-run</c>,
/// in containers whose manager is not PID 1, and in tests.
/// </summary>
internal sealed class NotifySocket : IDisposable
{
    public const string Variable = "NOTIFY_SOCKET";

    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly UnixDomainSocketEndPoint _target;

    private NotifySocket(string path)
    {
        Path = path;
        // "@name" is systemd's spelling of a Linux abstract socket, whose address starts with a NUL byte.
        _target = new UnixDomainSocketEndPoint(path[0] == '@' ? "\0" + path[1..] : path);
    }

    /// <summary>The socket as <c>NOTIFY_SOCKET</c> named it, for messages.</summary>
    public string Path { get; }

    /// <summary>The socket named by <c>NOTIFY_SOCKET</c>, or null when it is unset or not a unix socket path.</summary>
    public static NotifySocket? FromEnvironment(IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        // systemd also accepts vsock: addresses (VMs); nothing here runs where that would be the manager.
        return environment.TryGetValue(Variable, out var path) && path is { Length: > 1 } && path[0] is '/' or '@'
            ? new NotifySocket(path)
            : null;
    }

    /// <summary>Sends one notification (several assignments separated by newlines).</summary>
    /// <exception cref="SocketException">The manager's socket is gone or full.</exception>
    public void Send(string assignments) => _socket.SendTo(Encoding.UTF8.GetBytes(assignments), _target);

    public void Dispose() => _socket.Dispose();
}
