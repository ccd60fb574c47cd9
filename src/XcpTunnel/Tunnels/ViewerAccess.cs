using XcpTunnel.Access;

namespace XcpTunnel.Tunnels;

/// <summary>
/// Whether the process on a connection may use something the daemon serves (a tunnel's console, the health
/// endpoint), from the kernel's word on who it is (docs/access.md). Decided before the daemon says anything to it
/// or asks anything of the pool.
/// </summary>
internal static class ViewerAccess
{
    /// <summary>
    /// Why <paramref name="peer"/> may not use <paramref name="what"/> (<c>tunnel 'centos'</c>), as it is told; null
    /// when it may. No <paramref name="allowed"/> list admits everyone.
    /// </summary>
    /// <param name="allowed">Who may; null for every local account.</param>
    /// <param name="allowRemote">Whether the listener was opened to other hosts on purpose.</param>
    /// <param name="peer">Who is asking.</param>
    /// <param name="what">What is asked for, for the message.</param>
    public static string? Refusal(AllowList? allowed, bool allowRemote, PeerIdentity peer, string what)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (allowed is null)
        {
            return null;
        }

        if (!peer.IsLocal && allowRemote && peer.Problem is null)
        {
            // Another host's user is no one this machine knows: a remote listener (AllowRemote) is guarded by its
            // VNC password and TLS instead. A loopback listener cannot be reached from elsewhere at all.
            return null;
        }

        if (peer.Uid is null)
        {
            return $"xcptunnel cannot tell which user is connecting to {what}";
        }

        try
        {
            return allowed.Admits(peer) ? null : $"user '{peer.Describe()}' may not open {what}";
        }
        catch (UserLookupException ex)
        {
            // The group database cannot be read: refuse rather than guess, and say why.
            return $"xcptunnel cannot check the groups of user '{peer.Describe()}' for {what}: {ex.Message}";
        }
    }
}
