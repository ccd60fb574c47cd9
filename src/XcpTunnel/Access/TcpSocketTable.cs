using System.ComponentModel;

namespace XcpTunnel.Access;

/// <summary>
/// The kernel's table of this machine's TCP sockets (in our network namespace), asked one socket at a time
/// through sock_diag. Not thread safe; open one per lookup.
/// </summary>
internal sealed class TcpSocketTable : IDisposable
{
    /// <summary>An answer with no attributes is 88 bytes; the few the kernel adds unasked fit many times over.</summary>
    private const int AnswerBufferSize = 1024;

    private readonly SockDiagSocket socket;
    private uint sequence;

    private TcpSocketTable(SockDiagSocket socket) => this.socket = socket;

    /// <exception cref="Win32Exception">The netlink socket could not be opened (see <see cref="SockDiagSocket.Open"/>).</exception>
    public static TcpSocketTable Open() => new(SockDiagSocket.Open());

    /// <summary>Finds the socket whose own end is <paramref name="socket"/>.Local and whose peer is its Remote.</summary>
    /// <remarks>Failures of the exchange are answers too (<see cref="InetDiagOutcome.Failed"/>), never exceptions.</remarks>
    public InetDiagAnswer Find(TcpTuple socket)
    {
        var number = ++sequence;
        Span<byte> request = stackalloc byte[InetDiagMessages.RequestSize];
        InetDiagMessages.WriteRequest(request, socket, number);
        Span<byte> answer = stackalloc byte[AnswerBufferSize];
        try
        {
            var length = this.socket.Exchange(request, answer);
            return InetDiagMessages.ParseAnswer(answer[..length], number, socket);
        }
        catch (Win32Exception e)
        {
            return InetDiagAnswer.Failed($"sock_diag: {e.Message}");
        }
    }

    public void Dispose() => socket.Dispose();
}
