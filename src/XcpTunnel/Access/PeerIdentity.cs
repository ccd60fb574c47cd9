namespace XcpTunnel.Access;

/// <summary>
/// Who is at the other end of an accepted connection, as the kernel knows it: the local user owning the
/// peer's socket, or nothing when the peer is on another host or could not be identified.
/// </summary>
/// <param name="Uid">
/// The uid owning the peer's socket; null for a remote peer, or when the lookup failed (<see cref="Problem"/> says why).
/// </param>
/// <param name="UserName">The uid's name in the passwd database; null when it has no entry there.</param>
/// <param name="Peer">The peer's address for logs: <c>127.0.0.1:45678</c>, <c>[::1]:40000</c>, <c>unix pid 1234</c>.</param>
/// <param name="IsLocal">The peer is known to be a process on this machine: a unix socket, or a TCP peer found in the socket table.</param>
/// <param name="Problem">Why the identity is incomplete, for the log; null when nothing went wrong.</param>
internal sealed record PeerIdentity(int? Uid, string? UserName, string Peer, bool IsLocal, string? Problem = null)
{
    /// <summary>A local process owned by <paramref name="uid"/>.</summary>
    public static PeerIdentity User(int uid, string? userName, string peer, string? problem = null) =>
        new(uid, userName, peer, IsLocal: true, problem);

    /// <summary>A peer on another host: nothing failed, there is simply no local user to name.</summary>
    public static PeerIdentity Remote(string peer) => new(null, null, peer, IsLocal: false);

    /// <summary>A peer whose owner could not be found, for the reason in <paramref name="problem"/>.</summary>
    public static PeerIdentity Unknown(string peer, bool isLocal, string problem) => new(null, null, peer, isLocal, problem);

    /// <summary>The user for text a person reads: <c>alice</c>, or <c>uid 1234</c> when the uid has no name.</summary>
    public string Describe() => (UserName, Uid, IsLocal) switch
    {
        ({ } name, _, _) => name,
        (null, { } uid, _) => $"uid {uid}",
        (null, null, true) => "an unknown local user",
        (null, null, false) => "a remote peer",
    };

    /// <summary>A log line's subject: <c>uid 1001 (alice) from 127.0.0.1:45678</c>, <c>remote peer 192.0.2.7:51000</c>.</summary>
    public override string ToString()
    {
        var who = (UserName, Uid, IsLocal) switch
        {
            ({ } name, { } uid, _) => $"uid {uid} ({name}) from {Peer}",
            (null, { } uid, _) => $"uid {uid} from {Peer}",
            (_, null, true) => $"unknown local user from {Peer}",
            (_, null, false) when Problem is null => $"remote peer {Peer}",
            (_, null, false) => $"unknown peer from {Peer}",
        };
        return Problem is null ? who : $"{who} ({Problem})";
    }
}
