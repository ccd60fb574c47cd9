using System.Runtime.InteropServices;

namespace XcpTunnel.Access;

/// <summary>The user this process runs as: the viewer of <c>connect --stdio</c>, the owner of a <c>connect</c> or <c>demo</c> tunnel.</summary>
internal static partial class CurrentUser
{
    /// <summary>The effective uid (geteuid(2), which cannot fail).</summary>
    public static int Uid => (int)GetEffectiveUid();

    /// <summary>This process as a peer: the viewer on <c>connect --stdio</c>'s stdin and stdout is whoever started it.</summary>
    public static PeerIdentity Identity(IUserDirectory users)
    {
        ArgumentNullException.ThrowIfNull(users);
        return PeerIdentity.User(Uid, users.FindUserName(Uid), "stdio");
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUid();
}
