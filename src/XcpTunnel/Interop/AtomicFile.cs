namespace XcpTunnel.Interop;

/// <summary>
/// Replaces a file whole or not at all: the content goes to a temporary file beside it, is flushed to disk, and is
/// renamed over the file (rename(2) is atomic within a directory), then the directory is flushed too. A reader, or a
/// daemon starting after a power cut, sees the old file or the new one, never a mix. Failures name the file asked
/// for, never the temporary one.
/// </summary>
internal static class AtomicFile
{
    /// <param name="path">The file to replace (or create).</param>
    /// <param name="content">Its new content.</param>
    /// <param name="mode">Its permission bits, less the umask's; null keeps exactly those of the file it replaces.</param>
    /// <param name="prepare">Runs on the temporary file before the rename (to give it an owner).</param>
    /// <exception cref="IOException">The file could not be written; it is unchanged.</exception>
    public static void Replace(string path, ReadOnlySpan<byte> content, UnixFileMode? mode, Action<string>? prepare = null)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("xcptunnel runs on Linux");
        }

        var bits = mode ?? File.GetUnixFileMode(path);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full) ?? "/";
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = bits }))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            if (mode is null)
            {
                // The umask took bits off the create mode; a replaced file keeps all of its own.
                File.SetUnixFileMode(temporary, bits);
            }

            prepare?.Invoke(temporary);
            File.Move(temporary, full, overwrite: true);
            UnixFiles.SyncDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            File.Delete(temporary);
            throw new IOException($"cannot write {path}: {ex.Message.Replace(temporary, full, StringComparison.Ordinal)}", ex);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
