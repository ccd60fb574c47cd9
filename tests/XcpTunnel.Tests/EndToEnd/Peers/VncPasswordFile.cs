namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>
/// A VNC password file as TigerVNC's <c>vncpasswd -f</c> writes it (the password DES-encrypted with the
/// fixed VNC key), taken by <c>vncviewer -passwd</c>, <c>vncsnapshot -passwd</c> and <c>Xvnc -rfbauth</c>.
/// </summary>
internal static class VncPasswordFile
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>Writes the file for <paramref name="password"/> (VNC uses its first 8 characters) into <paramref name="directory"/>.</summary>
    public static async Task<string> CreateAsync(TemporaryDirectory directory, string password, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        var result = await Processes.RunAsync(
            new ProcessSpec(PeerProgram.TigerVncPasswd.Require(), ["-f"]) { StandardInput = password + "\n" }, Timeout, cancellationToken);
        if (result.StandardOutputBytes.Length != 8)
        {
            throw new ProcessFailedException(result.Describe($"wrote {result.StandardOutputBytes.Length} bytes, not the 8 of an encrypted password"));
        }

        var path = directory.File("vnc-password");
        await File.WriteAllBytesAsync(path, result.StandardOutputBytes, cancellationToken);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }
}
