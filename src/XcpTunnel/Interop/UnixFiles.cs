using System.Runtime.InteropServices;

namespace XcpTunnel.Interop;

/// <summary>What a path is, to the kernel: its type, inode, owner and group.</summary>
/// <param name="IsSocket">A unix socket file.</param>
/// <param name="Inode">Its inode: which file it is, whatever its name.</param>
/// <param name="Uid">Its owner.</param>
/// <param name="Gid">Its group.</param>
internal readonly record struct UnixFileStatus(bool IsSocket, ulong Inode, uint Uid, uint Gid);

/// <summary>
/// The file calls .NET lacks: a file's type, inode, owner and group (statx, whose struct has one layout on every
/// architecture, unlike struct stat), and changing owner and group (chown).
/// </summary>
internal static partial class UnixFiles
{
    private const string Libc = "libc";
    private const int NoSuchFile = 2; // ENOENT

    // fcntl.h / linux/stat.h
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7FF;
    private const ushort FileTypeMask = 0xF000; // S_IFMT
    private const ushort SocketType = 0xC000;   // S_IFSOCK

    // struct statx (linux/stat.h), the fields read here:
    //
    //   +--------+------+-----------------------------+
    //   | offset | type | field                       |
    //   +--------+------+-----------------------------+
    //   | 20     | u32  | stx_uid                     |
    //   | 24     | u32  | stx_gid                     |
    //   | 28     | u16  | stx_mode (type and bits)    |
    //   | 32     | u64  | stx_ino                     |
    //   +--------+------+-----------------------------+
    //   256 bytes in all.
    private const int StatxSize = 256;
    private const int UidOffset = 20;
    private const int GidOffset = 24;
    private const int ModeOffset = 28;
    private const int InodeOffset = 32;

    /// <summary>The status of <paramref name="path"/> (of a symbolic link itself, not its target), or null when nothing is there.</summary>
    /// <exception cref="IOException">The path cannot be examined (permissions, a loop).</exception>
    public static UnixFileStatus? Status(string path)
    {
        Span<byte> buffer = stackalloc byte[StatxSize];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            return errno == NoSuchFile ? null : throw new IOException($"cannot examine {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        ushort mode = BitConverter.ToUInt16(buffer[ModeOffset..]);
        return new UnixFileStatus(
            (mode & FileTypeMask) == SocketType,
            BitConverter.ToUInt64(buffer[InodeOffset..]),
            BitConverter.ToUInt32(buffer[UidOffset..]),
            BitConverter.ToUInt32(buffer[GidOffset..]));
    }

    /// <summary>Gives <paramref name="path"/> an owner and a group; null leaves that one as it is.</summary>
    /// <exception cref="IOException">The kernel refused: only root gives files away, and a group must be one of the caller's.</exception>
    public static void ChangeOwner(string path, uint? uid, uint? gid)
    {
        // (uid_t)-1 and (gid_t)-1 leave that id as it is.
        if (Chown(path, uid ?? uint.MaxValue, gid ?? uint.MaxValue) != 0)
        {
            throw new IOException(
                $"cannot give {path} {(uid is null ? "" : $"the owner {uid} ")}{(gid is null ? "" : $"the group {gid}")}: "
                + Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError()));
        }
    }

    /// <summary>
    /// Makes the entries of directory <paramref name="path"/> durable (fsync on the directory): a file renamed into it
    /// survives a crash under its new name, not only its content. .NET cannot open a directory to flush it.
    /// </summary>
    /// <exception cref="IOException">The directory cannot be opened or flushed.</exception>
    public static void SyncDirectory(string path)
    {
        int fd = Open(path, OpenReadOnly | OpenDirectory | OpenCloseOnExec);
        if (fd < 0 || Fsync(fd) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (fd >= 0)
            {
                _ = Close(fd);
            }

            throw new IOException($"cannot flush the directory {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        _ = Close(fd);
    }

    // fcntl.h (x86-64 and arm64 agree on these)
    private const int OpenReadOnly = 0;
    private const int OpenDirectory = 0x10000;   // O_DIRECTORY
    private const int OpenCloseOnExec = 0x80000; // O_CLOEXEC

    [LibraryImport(Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport(Libc, EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport(Libc, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, ref byte buffer);

    [LibraryImport(Libc, EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chown(string path, uint owner, uint group);
}
