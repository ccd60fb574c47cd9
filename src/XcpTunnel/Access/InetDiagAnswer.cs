namespace XcpTunnel.Access;

/// <summary>What the kernel said about one TCP socket: its owner, that it has no such socket, or an error.</summary>
internal readonly record struct InetDiagAnswer(InetDiagOutcome Outcome, uint Uid, uint Inode, string? Problem)
{
    public static InetDiagAnswer Found(uint uid, uint inode) => new(InetDiagOutcome.Found, uid, inode, null);

    public static InetDiagAnswer NotFound { get; } = new(InetDiagOutcome.NotFound, 0, 0, null);

    public static InetDiagAnswer Failed(string problem) => new(InetDiagOutcome.Failed, 0, 0, problem);
}

internal enum InetDiagOutcome
{
    /// <summary>The socket exists; <see cref="InetDiagAnswer.Uid"/> owns it (unless its inode is 0, see <see cref="InetDiagMessages"/>).</summary>
    Found,

    /// <summary>No socket on this machine has the tuple (<c>ENOENT</c>).</summary>
    NotFound,

    /// <summary>The kernel refused the request or answered something unexpected; <see cref="InetDiagAnswer.Problem"/> says what.</summary>
    Failed,
}
