namespace XcpTunnel.Configuration;

/// <summary>How a unix-socket listener's file is made: its permission bits and group.</summary>
/// <param name="Mode">Permission bits, <c>SocketMode</c>: connecting needs write permission on the file.</param>
/// <param name="GroupId">The group to give the file (<c>SocketGroup</c>), or null to leave the daemon's.</param>
/// <param name="GroupName">The group as written, for messages.</param>
internal sealed record UnixSocketSettings(UnixFileMode Mode, int? GroupId, string? GroupName)
{
    /// <summary>
    /// Anyone may connect; the tunnel's allow list then decides, and tells the refused why. A tighter mode keeps
    /// others from even reaching the greeting.
    /// </summary>
    public const UnixFileMode DefaultMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;

    public static UnixSocketSettings Default { get; } = new(DefaultMode, null, null);
}
