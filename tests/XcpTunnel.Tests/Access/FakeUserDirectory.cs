using XcpTunnel.Access;

namespace XcpTunnel.Tests.Access;

/// <summary>Users and groups described by a test; lookups of <see cref="BrokenName"/> fail as a dead LDAP server would.</summary>
internal sealed class FakeUserDirectory : IUserDirectory
{
    public const string BrokenName = "ldap-down";

    private readonly List<UserAccount> users = [];
    private readonly Dictionary<string, int> groups = new(StringComparer.Ordinal);
    private readonly Dictionary<int, List<int>> memberships = [];

    public FakeUserDirectory User(string name, int uid, int gid, params int[] supplementaryGids)
    {
        users.Add(new UserAccount(name, uid, gid));
        memberships[uid] = [gid, .. supplementaryGids];
        return this;
    }

    public FakeUserDirectory Group(string name, int gid)
    {
        groups[name] = gid;
        return this;
    }

    /// <summary>Changes <paramref name="uid"/>'s supplementary groups, as usermod would while the daemon runs.</summary>
    public void SetSupplementaryGroups(int uid, params int[] gids) =>
        memberships[uid] = [users.Single(user => user.Uid == uid).PrimaryGid, .. gids];

    public string? FindUserName(int uid) => users.FirstOrDefault(user => user.Uid == uid).Name;

    public UserAccount? FindUser(string name) =>
        name == BrokenName ? throw new UserLookupException("getpwnam_r('ldap-down'): Input/output error")
        : users.Where(user => user.Name == name).Cast<UserAccount?>().FirstOrDefault();

    public int? FindGroupId(string name) =>
        name == BrokenName ? throw new UserLookupException("getgrnam_r('ldap-down'): Input/output error")
        : groups.TryGetValue(name, out var gid) ? gid : null;

    public IReadOnlyCollection<int> GroupsOf(int uid) => memberships.TryGetValue(uid, out var gids) ? gids : [];
}
