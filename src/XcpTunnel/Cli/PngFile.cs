using XcpTunnel.Interop;

namespace XcpTunnel.Cli;

/// <summary>
/// Writes a snapshot whole or not at all (<see cref="AtomicFile"/>), so a reader (a web page showing the last
/// snapshot) never sees half an image.
/// </summary>
internal static class PngFile
{
    private const UnixFileMode ReadWriteForAll =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;

    /// <exception cref="IOException">The file's directory does not exist; the message names it.</exception>
    public static void CheckDirectory(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? "/";
        if (!Directory.Exists(directory))
        {
            throw new IOException($"cannot write {path}: no directory {directory}");
        }
    }

    public static void Write(string path, byte[] content)
    {
        CheckDirectory(path);
        // As any program's output: what the umask leaves of read-write for all.
        AtomicFile.Replace(path, content, ReadWriteForAll);
    }
}
