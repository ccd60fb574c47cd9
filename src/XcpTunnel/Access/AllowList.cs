using System.Collections.Frozen;

namespace XcpTunnel.Access;

/// <summary>
/// The local users who may open a console, from configuration entries such as
/// <c>["root", "alice", "@xcptunnel-viewers"]</c>: user names, and groups written <c>@group</c>.
/// </summary>
/// <remarks>
/// Names are resolved to ids when the list is parsed, so renaming an account does not change who is
/// admitted, and a typo is a configuration error rather than a silent refusal. Group membership is looked
/// up on every check instead: adding someone to a group should not need a reload.
/// Two lists are equal when they have the same entries, resolved to the same ids; a reload therefore
/// notices a user deleted and created again with another uid.
/// </remarks>
internal sealed class AllowList : IEquatable<AllowList>
{
    private const char GroupPrefix = '@';

    private readonly IUserDirectory directory;
    private readonly FrozenSet<int> uids;
    private readonly FrozenSet<int> gids;

    private AllowList(IReadOnlyList<string> entries, FrozenSet<int> uids, FrozenSet<int> gids, IUserDirectory directory)
    {
        Entries = entries;
        this.uids = uids;
        this.gids = gids;
        this.directory = directory;
    }

    /// <summary>The entries as written in the configuration.</summary>
    public IReadOnlyList<string> Entries { get; }

    /// <summary>Resolves every entry to ids. An empty list is valid and admits no one.</summary>
    /// <param name="entries">User names and <c>@group</c>s.</param>
    /// <param name="directory">Where names are resolved now, and group membership on every check.</param>
    /// <param name="errors">
    /// Every problem, one short phrase per bad entry (<c>no user named 'bob'</c>), for the configuration loader
    /// to prefix with the key; empty when the list is returned.
    /// </param>
    /// <returns>The list, or null when any entry is bad.</returns>
    public static AllowList? Parse(IReadOnlyList<string> entries, IUserDirectory directory, out IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(directory);
        var problems = new List<string>();
        var uids = new HashSet<int>();
        var gids = new HashSet<int>();
        foreach (var entry in entries)
        {
            var problem = Resolve(entry ?? string.Empty, directory, uids, gids);
            if (problem is not null)
            {
                problems.Add(problem);
            }
        }

        errors = problems;
        return problems.Count > 0 ? null : new AllowList([.. entries], uids.ToFrozenSet(), gids.ToFrozenSet(), directory);
    }

    /// <summary>
    /// Whether <paramref name="peer"/>'s user is listed, or is in a listed group now. A peer without a uid
    /// (remote, or not identified) is never admitted.
    /// </summary>
    /// <exception cref="UserLookupException">The group database could not be read; the caller should refuse and log why.</exception>
    public bool Admits(PeerIdentity peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (peer.Uid is not { } uid)
        {
            return false;
        }

        return uids.Contains(uid) || (gids.Count > 0 && directory.GroupsOf(uid).Any(gids.Contains));
    }

    public bool Equals(AllowList? other) =>
        other is not null
        && Entries.SequenceEqual(other.Entries, StringComparer.Ordinal)
        && uids.SetEquals(other.uids)
        && gids.SetEquals(other.gids);

    public override bool Equals(object? obj) => Equals(obj as AllowList);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var entry in Entries)
        {
            hash.Add(entry, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    /// <summary>The entries as written: <c>root, alice, @xcptunnel-viewers</c>.</summary>
    public override string ToString() => string.Join(", ", Entries);

    /// <returns>Null when the entry resolved; otherwise what is wrong with it.</returns>
    private static string? Resolve(string entry, IUserDirectory directory, HashSet<int> uids, HashSet<int> gids)
    {
        if (string.IsNullOrWhiteSpace(entry))
        {
            return $"'{entry}' is not a user or @group";
        }

        try
        {
            if (entry[0] == GroupPrefix)
            {
                var group = entry[1..];
                if (group.Length == 0)
                {
                    return $"'{entry}' names no group";
                }

                if (directory.FindGroupId(group) is not { } gid)
                {
                    return $"no group named '{group}'";
                }

                gids.Add(gid);
                return null;
            }

            if (directory.FindUser(entry) is not { } account)
            {
                return $"no user named '{entry}'";
            }

            uids.Add(account.Uid);
            return null;
        }
        catch (UserLookupException e)
        {
            return $"cannot look up '{entry}': {e.Message}";
        }
    }
}
