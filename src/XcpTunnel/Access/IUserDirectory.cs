namespace XcpTunnel.Access;

/// <summary>
/// The system's users and groups, as the C library sees them (files, LDAP, systemd's dynamic users ...).
/// An interface so allow-list tests can describe the users they need without creating them.
/// </summary>
/// <remarks>
/// A missing entry is a null or empty answer; a database that cannot be read throws
/// <see cref="UserLookupException"/>. Answers are not cached: NSS caches where that is wanted, and
/// membership may change while the daemon runs.
/// </remarks>
internal interface IUserDirectory
{
    /// <summary>The name of the user with <paramref name="uid"/>; null when the passwd database has no entry for it.</summary>
    string? FindUserName(int uid);

    /// <summary>The user called <paramref name="name"/>; null when there is none.</summary>
    UserAccount? FindUser(string name);

    /// <summary>The gid of the group called <paramref name="name"/>; null when there is none.</summary>
    int? FindGroupId(string name);

    /// <summary>The gids of <paramref name="uid"/>'s primary and supplementary groups; empty when the uid has no passwd entry.</summary>
    IReadOnlyCollection<int> GroupsOf(int uid);
}
