using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace XcpTunnel.Access;

internal static partial class PeerCredentials
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    // struct ucred (linux/socket.h via sys/socket.h), 12 bytes, host order:
    //   off size field
    //    0   4   pid   the peer's pid at connect(2), in our pid namespace; 0 when it is not visible there
    //    4   4   uid   its effective uid then, translated into our user namespace
    //    8   4   gid
    private const int UcredSize = 12;

    private static PeerIdentity IdentifyUnix(Socket accepted, IUserDirectory directory)
    {
        Span<byte> credentials = stackalloc byte[UcredSize];
        int length;
        try
        {
            length = accepted.GetRawSocketOption(SolSocket, SoPeerCred, credentials);
        }
        catch (SocketException e)
        {
            return PeerIdentity.Unknown("unix", isLocal: true, $"SO_PEERCRED: {e.Message}");
        }

        if (length < UcredSize)
        {
            return PeerIdentity.Unknown("unix", isLocal: true, $"SO_PEERCRED returned {length} bytes");
        }

        var pid = MemoryMarshal.Read<int>(credentials);
        var uid = MemoryMarshal.Read<uint>(credentials[4..]);
        return LocalUser(uid, pid > 0 ? $"unix pid {pid}" : "unix", directory);
    }
}
