using System.ComponentModel;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace XcpTunnel.Access;

/// <summary>
/// A netlink socket to the kernel's NETLINK_SOCK_DIAG service. .NET has no <c>AddressFamily</c> for netlink,
/// so the descriptor comes from socket(2) and is then wrapped in a <see cref="Socket"/>, which does the
/// sends, receives, timeouts and EINTR retries. Not thread safe: each lookup opens its own (about 10 µs).
/// </summary>
internal sealed partial class SockDiagSocket : IDisposable
{
    private const int AfNetlink = 16;
    private const int SockRaw = 3;
    private const int SockCloexec = 0x80000;
    private const int NetlinkSockDiag = 4;

    /// <summary>
    /// The kernel answers while it handles the send, so the answer is queued before Send returns; the
    /// bound only keeps a kernel that behaved otherwise from stalling a connection.
    /// </summary>
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(1);

    private readonly Socket socket;

    private SockDiagSocket(Socket socket) => this.socket = socket;

    /// <summary>Opens the socket; nothing is sent yet.</summary>
    /// <exception cref="Win32Exception">
    /// socket(2) failed: <c>EAFNOSUPPORT</c> when the process may not use AF_NETLINK (systemd's
    /// <c>RestrictAddressFamilies=</c>), <c>EMFILE</c> when out of descriptors.
    /// </exception>
    public static SockDiagSocket Open()
    {
        var descriptor = OpenSocket(AfNetlink, SockRaw | SockCloexec, NetlinkSockDiag);
        if (descriptor < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new Win32Exception(errno, $"socket(AF_NETLINK, NETLINK_SOCK_DIAG): {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        var socket = new Socket(new SafeSocketHandle(descriptor, ownsHandle: true));
        try
        {
            socket.ReceiveTimeout = (int)AnswerTimeout.TotalMilliseconds;
            return new SockDiagSocket(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends one request to the kernel and receives its answer into <paramref name="answer"/>.</summary>
    /// <returns>The answer's length: one datagram, cut to the buffer's size if it was longer.</returns>
    /// <exception cref="SocketException">The send or receive failed, or no answer came within <see cref="AnswerTimeout"/>.</exception>
    public int Exchange(ReadOnlySpan<byte> request, Span<byte> answer)
    {
        // Without a destination address netlink sends to the kernel (port id 0), and the kernel answers to
        // the port id it binds this socket to on that first send.
        socket.Send(request);
        return socket.Receive(answer);
    }

    public void Dispose() => socket.Dispose();

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int OpenSocket(int domain, int type, int protocol);
}
