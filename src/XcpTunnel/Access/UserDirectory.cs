using System.Runtime.InteropServices;
using static XcpTunnel.Access.UserDatabaseNative;

namespace XcpTunnel.Access;

/// <summary>The system's users and groups through the C library, so every NSS source is honoured.</summary>
internal sealed class UserDirectory : IUserDirectory
{
    /// <summary>Enough for any files entry; an LDAP group with many members grows it.</summary>
    private const int DefaultInitialBufferSize = 1024;

    /// <summary>Past this an entry is not a real one: give up rather than grow without end.</summary>
    private const int MaxBufferSize = 16 * 1024 * 1024;

    /// <summary>NGROUPS_MAX: no process can be in more groups than this.</summary>
    private const int MaxGroups = 65536;

    private readonly int initialBufferSize;

    /// <param name="initialBufferSize">The first buffer's size; tests make it tiny to see it grow.</param>
    internal UserDirectory(int initialBufferSize = DefaultInitialBufferSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(initialBufferSize);
        this.initialBufferSize = initialBufferSize;
    }

    public static UserDirectory Default { get; } = new();

    /// <inheritdoc/>
    public string? FindUserName(int uid) => FindAccount(uid)?.Name;

    /// <inheritdoc/>
    public UserAccount? FindUser(string name)
    {
        if (!CanBeAnEntryName(name))
        {
            return null;
        }

        return Read(
            $"getpwnam_r('{name}')",
            (nint buffer, nuint length, out Passwd entry, out nint result) => GetPasswdByName(name, out entry, buffer, length, out result),
            ToAccount);
    }

    /// <inheritdoc/>
    public int? FindGroupId(string name)
    {
        if (!CanBeAnEntryName(name))
        {
            return null;
        }

        return Read(
            $"getgrnam_r('{name}')",
            (nint buffer, nuint length, out Group entry, out nint result) => GetGroupByName(name, out entry, buffer, length, out result),
            entry => (int?)ToId(entry.Gid, "gid"));
    }

    /// <inheritdoc/>
    public IReadOnlyCollection<int> GroupsOf(int uid)
    {
        if (FindAccount(uid) is not { } account)
        {
            return [];
        }

        var capacity = 32;
        while (true)
        {
            var groups = new uint[capacity];
            var count = capacity;
            if (GetGroupList(account.Name, (uint)account.PrimaryGid, groups, ref count) >= 0)
            {
                return [.. groups.Take(count).Select(gid => ToId(gid, "gid")).Distinct()];
            }

            // glibc says how many it needs; a library that does not is given twice the room.
            capacity = Math.Max(count, capacity * 2);
            if (capacity > MaxGroups)
            {
                throw new UserLookupException($"getgrouplist('{account.Name}'): more than {MaxGroups} groups");
            }
        }
    }

    // The C library reads a name up to its first NUL: one with a NUL in it names no entry, and must not be looked up
    // as the shorter name before it.
    private static bool CanBeAnEntryName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return !name.Contains('\0', StringComparison.Ordinal);
    }

    private UserAccount? FindAccount(int uid) =>
        uid < 0
            ? null
            : Read(
                $"getpwuid_r({uid})",
                (nint buffer, nuint length, out Passwd entry, out nint result) => GetPasswdByUid((uint)uid, out entry, buffer, length, out result),
                ToAccount);

    private static UserAccount? ToAccount(Passwd entry) =>
        new UserAccount(Marshal.PtrToStringUTF8(entry.Name) ?? string.Empty, ToId(entry.Uid, "uid"), ToId(entry.Gid, "gid"));

    private delegate int Lookup<TEntry>(nint buffer, nuint length, out TEntry entry, out nint result);

    /// <summary>
    /// Calls a <c>get*_r</c> function with a buffer that doubles on <c>ERANGE</c>, and converts the entry
    /// while the buffer its strings point into is still allocated.
    /// </summary>
    private TResult? Read<TEntry, TResult>(string call, Lookup<TEntry> lookup, Func<TEntry, TResult?> convert)
    {
        var size = initialBufferSize;
        while (true)
        {
            var buffer = Marshal.AllocHGlobal(size);
            try
            {
                var error = lookup(buffer, (nuint)size, out var entry, out var result);
                switch (error)
                {
                    case 0:
                        return result == 0 ? default : convert(entry);
                    case Enoent:
                        return default;
                    case Eintr:
                        continue;
                    case Erange when size < MaxBufferSize:
                        size *= 2;
                        continue;
                    default:
                        throw new UserLookupException($"{call}: {Marshal.GetPInvokeErrorMessage(error)}");
                }
            }
            finally
            {
                Marshal.FreeHGlobal(buffer);
            }
        }
    }

    private static int ToId(uint id, string what) =>
        id <= int.MaxValue ? (int)id : throw new UserLookupException($"{what} {id} is out of range");
}
