using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace XcpTunnel.Systemd;

/// <summary>
/// The listening sockets systemd passed us, by <c>FileDescriptorName=</c>. A socket named like a tunnel is that
/// tunnel's listener instead of binding its <c>Listen</c> address. They belong to this object, not to a tunnel's
/// listener: when a reload restarts a tunnel, its new listener takes the same sockets (systemd still holds them,
/// so the port could not be bound anew anyway).
/// </summary>
internal sealed class ActivatedSockets : IDisposable
{
    private readonly Dictionary<string, List<Socket>> _byName;

    private ActivatedSockets(Dictionary<string, List<Socket>> byName) => _byName = byName;

    /// <summary>No socket activation (the demo, tests, a plain start).</summary>
    public static ActivatedSockets None => new(new Dictionary<string, List<Socket>>(StringComparer.Ordinal));

    /// <summary>The names sockets were passed under, in order.</summary>
    public IEnumerable<string> Names => _byName.Keys;

    /// <summary>
    /// Takes the sockets passed to this process (see <see cref="ListenFds"/>), logs what is wrong with them, and
    /// removes the <c>LISTEN_*</c> variables from our environment so they are not inherited.
    /// </summary>
    public static ActivatedSockets FromEnvironment(IReadOnlyDictionary<string, string?> environment, ILogger logger)
    {
        var parsed = ListenFds.Parse(environment, Environment.ProcessId);
        foreach (var variable in ListenFds.Variables)
        {
            Environment.SetEnvironmentVariable(variable, null);
        }

        foreach (var problem in parsed.Problems)
        {
            SystemdLog.ActivationProblem(logger, problem);
        }

        return Adopt(parsed.Fds, logger);
    }

    /// <summary>Wraps <paramref name="fds"/>; descriptors that are not listening stream sockets (TCP or unix) are logged and closed.</summary>
    public static ActivatedSockets Adopt(IReadOnlyList<PassedFd> fds, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(fds);
        var byName = new Dictionary<string, List<Socket>>(StringComparer.Ordinal);
        foreach (var fd in fds)
        {
            Socket socket;
            try
            {
                socket = new Socket(new SafeSocketHandle(fd.Fd, ownsHandle: true));
            }
            catch (SocketException ex)
            {
                // Not a socket at all (a FIFO from ListenFIFO=, say): nothing a tunnel can accept on.
                SystemdLog.NotASocket(logger, fd.Fd, fd.Name, ex.Message);
                continue;
            }

            if (socket.SocketType != SocketType.Stream || socket.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6 or AddressFamily.Unix))
            {
                SystemdLog.NotAStreamSocket(logger, fd.Fd, fd.Name, $"{socket.AddressFamily}/{socket.SocketType}");
                socket.Dispose();
                continue;
            }

            if (!byName.TryGetValue(fd.Name, out var list))
            {
                byName[fd.Name] = list = [];
            }

            list.Add(socket);
        }

        return new ActivatedSockets(byName);
    }

    /// <summary>The sockets passed under <paramref name="name"/>; empty when none.</summary>
    public IReadOnlyList<Socket> For(string name) => _byName.TryGetValue(name, out var sockets) ? sockets : [];

    /// <summary>Logs and closes every socket whose name is not one of <paramref name="tunnels"/>: nothing would ever accept on it.</summary>
    public void CloseUnclaimed(IEnumerable<string> tunnels, ILogger logger)
    {
        var wanted = tunnels.ToHashSet(StringComparer.Ordinal);
        foreach (var (name, sockets) in _byName.Where(p => !wanted.Contains(p.Key)).ToList())
        {
            foreach (var socket in sockets)
            {
                SystemdLog.UnknownSocketName(logger, name, socket.LocalEndPoint?.ToString() ?? "?");
                socket.Dispose();
            }

            _byName.Remove(name);
        }
    }

    public void Dispose()
    {
        foreach (var socket in _byName.Values.SelectMany(s => s))
        {
            socket.Dispose();
        }

        _byName.Clear();
    }
}
