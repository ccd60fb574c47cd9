using Microsoft.Win32.SafeHandles;
using XcpTunnel.Protocol.Streams;

namespace XcpTunnel.Cli;

/// <summary>
/// The process's standard input and output as one viewer connection, for <c>connect --stdio</c>
/// (SSH <c>ProxyCommand</c>, socat <c>EXEC:</c>, inetd, systemd <c>Accept=yes</c>).
/// </summary>
internal static class StdioStream
{
    private const int StandardOutputDescriptor = 1;

    /// <summary>
    /// Joins stdin and stdout. Half-closing closes descriptor 1 itself: <see cref="Console.OpenStandardOutput()"/>
    /// writes through a duplicate of it, and closing a duplicate leaves the peer without EOF. So nothing
    /// else in the process may write to stdout once this is open.
    /// </summary>
    public static DuplexStream Open()
    {
        var output = new FileStream(new SafeFileHandle(StandardOutputDescriptor, ownsHandle: true), FileAccess.Write, bufferSize: 0);
        return new DuplexStream(Console.OpenStandardInput(), output);
    }
}
