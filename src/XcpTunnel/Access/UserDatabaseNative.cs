using System.Runtime.InteropServices;

namespace XcpTunnel.Access;

/// <summary>
/// The C library's reentrant user and group lookups. Going through libc, not reading /etc/passwd, is what
/// makes NSS work: LDAP/SSSD users, systemd's dynamic users and nss-systemd's groups.
/// </summary>
/// <remarks>
/// No NuGet package is worth its weight here: Mono.Unix's last release is a 2021 prerelease that ships its
/// own native library, and Tmds.LibC is no longer maintained. Four source-generated imports are
/// Native-AOT-safe and need nothing but libc. The strings in <see cref="Passwd"/> and <see cref="Group"/>
/// point into the caller's buffer, so that buffer is unmanaged memory that stays put while they are read.
/// </remarks>
internal static partial class UserDatabaseNative
{
    private const string Libc = "libc";

    /// <summary>getpwnam_r and friends return an errno; some C libraries say "no such entry" with this one (getpwnam_r(3)).</summary>
    public const int Enoent = 2;

    public const int Eintr = 4;

    /// <summary>The buffer was too small for the entry: try again with a bigger one.</summary>
    public const int Erange = 34;

    /// <summary>struct passwd (pwd.h); pointer-sized fields, so the layout holds on every 32 and 64-bit ABI.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Passwd
    {
        public nint Name;
        public nint Password;
        public uint Uid;
        public uint Gid;
        public nint Gecos;
        public nint Directory;
        public nint Shell;
    }

    /// <summary>struct group (grp.h).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Group
    {
        public nint Name;
        public nint Password;
        public uint Gid;
        public nint Members;
    }

    /// <returns>0, or an errno; <paramref name="result"/> is 0 when there is no such user.</returns>
    [LibraryImport(Libc, EntryPoint = "getpwuid_r")]
    public static partial int GetPasswdByUid(uint uid, out Passwd entry, nint buffer, nuint length, out nint result);

    /// <returns>0, or an errno; <paramref name="result"/> is 0 when there is no such user.</returns>
    [LibraryImport(Libc, EntryPoint = "getpwnam_r", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int GetPasswdByName(string name, out Passwd entry, nint buffer, nuint length, out nint result);

    /// <returns>0, or an errno; <paramref name="result"/> is 0 when there is no such group.</returns>
    [LibraryImport(Libc, EntryPoint = "getgrnam_r", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int GetGroupByName(string name, out Group entry, nint buffer, nuint length, out nint result);

    /// <summary>
    /// The groups of <paramref name="user"/>, <paramref name="group"/> (its primary group) included.
    /// </summary>
    /// <returns>The number of groups, or -1 when <paramref name="groups"/> is too small; <paramref name="count"/> then holds the number needed.</returns>
    [LibraryImport(Libc, EntryPoint = "getgrouplist", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int GetGroupList(string user, uint group, [Out] uint[] groups, ref int count);
}
