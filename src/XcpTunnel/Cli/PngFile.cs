namespace XcpTunnel.Cli;

/// <summary>
/// Writes a file whole or not at all: into a temporary file beside it, then renamed over it, so a
/// reader (a web page showing the last snapshot) never sees half an image. Failures name the file asked for,
/// never the temporary one.
/// </summary>
internal static class PngFile
{
    /// <exception cref="IOException">The file's directory does not exist; the message names it.</exception>
    public static void CheckDirectory(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? "/";
        if (!Directory.Exists(directory))
        {
            throw new IOException($"cannot write {path}: no directory {directory}");
        }
    }

    public static async Task WriteAsync(string path, byte[] content, CancellationToken cancellationToken)
    {
        CheckDirectory(path);
        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(full) ?? "/", $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await File.WriteAllBytesAsync(temporary, content, cancellationToken).ConfigureAwait(false);
            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            File.Delete(temporary);
            // .NET's message names the temporary file; the user asked for the other one.
            throw new IOException($"cannot write {path}: {ex.Message.Replace(temporary, full, StringComparison.Ordinal)}", ex);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
