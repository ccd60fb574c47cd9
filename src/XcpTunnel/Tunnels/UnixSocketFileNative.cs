using System.Runtime.InteropServices;

namespace XcpTunnel.Tunnels;

/// <summary>
/// The two file calls .NET lacks for a socket file: its type and inode (statx, whose struct has one layout on every
/// architecture, unlike struct stat) and changing its group (chown).
/// </summary>
internal static partial class UnixSocketFileNative
{
    private const string Libc = "libc";

    // fcntl.h / linux/stat.h
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const uint StatxIno = 0x100;
    private const ushort FileTypeMask = 0xF000; // S_IFMT
    private const ushort SocketType = 0xC000;   // S_IFSOCK

    // struct statx (linux/stat.h), the fields read here:
    //
    //   +--------+------+-----------------------------+
    //   | offset | type | field                       |
    //   +--------+------+-----------------------------+
    //   | 0      | u32  | stx_mask                    |
    //   | 28     | u16  | stx_mode (type and bits)    |
    //   | 32     | u64  | stx_ino                     |
    //   +--------+------+-----------------------------+
    //   256 bytes in all.
    private const int StatxSize = 256;
    private const int ModeOffset = 28;
    private const int InodeOffset = 32;

    /// <summary>What is at a path, without following a symbolic link there.</summary>
    internal readonly record struct FileIdentity(bool IsSocket, ulong Inode);

    /// <summary>The type and inode of <paramref name="path"/>, or null when nothing is there.</summary>
    /// <exception cref="IOException">The path cannot be examined (permissions, a loop).</exception>
    public static FileIdentity? Identify(string path)
    {
        Span<byte> buffer = stackalloc byte[StatxSize];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType | StatxIno, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            return errno == 2 /* ENOENT */ ? null : throw new IOException($"cannot examine {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        ushort mode = BitConverter.ToUInt16(buffer[ModeOffset..]);
        return new FileIdentity((mode & FileTypeMask) == SocketType, BitConverter.ToUInt64(buffer[InodeOffset..]));
    }

    /// <summary>Gives <paramref name="path"/> the group <paramref name="gid"/>; the daemon must be in that group (or root).</summary>
    /// <exception cref="IOException">The kernel refused.</exception>
    public static void ChangeGroup(string path, int gid)
    {
        if (Chown(path, uint.MaxValue, (uint)gid) != 0)
        {
            throw new IOException($"cannot give {path} the group {gid}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
    }

    [LibraryImport(Libc, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, ref byte buffer);

    // (uid_t)-1 leaves the owner as it is.
    [LibraryImport(Libc, EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chown(string path, uint owner, uint group);
}
