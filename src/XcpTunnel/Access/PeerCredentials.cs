using System.Net.Sockets;

namespace XcpTunnel.Access;

/// <summary>
/// Asks the kernel who is at the other end of an accepted connection: for a unix socket the peer's
/// credentials, for TCP the owner of the peer's socket when that socket is on this machine.
/// </summary>
/// <remarks>
/// The answer is the uid that created the peer's socket (TCP) or connected it (unix), which is the user
/// running the viewer, or the forwarder in between (<c>ssh -L</c>, socat) when there is one. It costs one
/// netlink round trip for TCP, tens of microseconds, and is safe to call from any number of threads.
/// The kernel can only name users our user namespace maps: under systemd's <c>PrivateUsers=yes</c> every
/// user but root and the service's own comes back unknown (see <see cref="UidMap"/>). TCP lookups need
/// <c>AF_NETLINK</c> in <c>RestrictAddressFamilies=</c>, and see only our network namespace.
/// </remarks>
internal static partial class PeerCredentials
{
    /// <summary>Identifies the peer of <paramref name="accepted"/>, naming users through the system's user database.</summary>
    public static PeerIdentity Identify(Socket accepted) => Identify(accepted, UserDirectory.Default);

    /// <summary>Identifies the peer of <paramref name="accepted"/>, naming its uid through <paramref name="directory"/>.</summary>
    /// <remarks>Never throws for a peer the kernel cannot place: the identity then has no uid and says why.</remarks>
    public static PeerIdentity Identify(Socket accepted, IUserDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(accepted);
        ArgumentNullException.ThrowIfNull(directory);
        return accepted.AddressFamily switch
        {
            AddressFamily.Unix => IdentifyUnix(accepted, directory),
            AddressFamily.InterNetwork or AddressFamily.InterNetworkV6 when accepted.SocketType == SocketType.Stream => IdentifyTcp(accepted, directory),
            _ => PeerIdentity.Unknown(
                accepted.RemoteEndPoint?.ToString() ?? "unknown", isLocal: false, $"a {accepted.AddressFamily} {accepted.SocketType} socket has no peer credentials"),
        };
    }

    /// <summary>The identity of a local peer owned by <paramref name="uid"/> as the kernel reported it.</summary>
    private static PeerIdentity LocalUser(uint uid, string peer, IUserDirectory directory)
    {
        if (!UidMap.IsReal(uid))
        {
            return PeerIdentity.Unknown(peer, isLocal: true, $"its owner is outside this user namespace: the kernel says uid {uid}");
        }

        if (uid > int.MaxValue)
        {
            return PeerIdentity.Unknown(peer, isLocal: true, $"uid {uid} is out of range");
        }

        try
        {
            return PeerIdentity.User((int)uid, directory.FindUserName((int)uid), peer);
        }
        catch (UserLookupException e)
        {
            return PeerIdentity.User((int)uid, null, peer, $"no user name: {e.Message}");
        }
    }
}
