using XcpTunnel.Access;

namespace XcpTunnel.Configuration;

/// <summary>
/// The allow list of tunnels a user starts for themselves (<c>connect</c>, <c>demo</c>): only that user. The
/// console is opened with their own XAPI credentials, so no other local account should ride on it.
/// </summary>
internal static class OwnerAccess
{
    /// <summary>The list admitting only this process's user; null (open, with a warning) if the user has no name to list.</summary>
    public static AllowList? Of(IUserDirectory users, ConfigDiagnostics diagnostics)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var name = users.FindUserName(CurrentUser.Uid);
        var list = name is null ? null : AllowList.Parse([name], users, out _);
        if (list is null)
        {
            diagnostics.Warn($"uid {CurrentUser.Uid} has no user name, so the tunnel cannot be limited to it: every local account may use it");
        }

        return list;
    }
}
