using System.ComponentModel;
using System.Net;
using System.Net.Sockets;

namespace XcpTunnel.Access;

internal static partial class PeerCredentials
{
    private static PeerIdentity IdentifyTcp(Socket accepted, IUserDirectory directory)
    {
        if (accepted.LocalEndPoint is not IPEndPoint local || accepted.RemoteEndPoint is not IPEndPoint remote)
        {
            return PeerIdentity.Unknown("unknown", isLocal: false, "the socket is not connected");
        }

        // Ours is the connection as the accepted socket sees it; the peer's socket, if it is on this
        // machine, is the same connection seen from the other end.
        var ours = new TcpTuple(local, remote);
        var peer = ours.Remote.ToString();
        TcpSocketTable table;
        try
        {
            table = TcpSocketTable.Open();
        }
        catch (Win32Exception e)
        {
            return PeerIdentity.Unknown(peer, isLocal: false, e.Message);
        }

        using (table)
        {
            var answer = table.Find(ours.Reversed);
            return answer.Outcome switch
            {
                // A socket its owner has closed lives on as a time-wait socket, which reports uid 0 (root).
                InetDiagOutcome.Found when answer.Inode == 0 =>
                    PeerIdentity.Unknown(peer, isLocal: true, "the peer closed its socket before it could be identified"),
                InetDiagOutcome.Found => LocalUser(answer.Uid, peer, directory),
                InetDiagOutcome.NotFound => Absent(table, ours, peer),
                _ => PeerIdentity.Unknown(peer, isLocal: false, answer.Problem!),
            };
        }
    }

    /// <summary>
    /// No local socket has the peer's end: a remote peer, as long as the table can see our own end. The
    /// kernel also says "not found" when it has no TCP diag module, and a reset connection leaves neither end.
    /// </summary>
    private static PeerIdentity Absent(TcpSocketTable table, TcpTuple ours, string peer) =>
        table.Find(ours).Outcome == InetDiagOutcome.Found
            ? PeerIdentity.Remote(peer)
            : PeerIdentity.Unknown(peer, isLocal: false, "neither end of the connection is in the kernel's socket table: it was reset, or sock_diag cannot see TCP sockets");
}
