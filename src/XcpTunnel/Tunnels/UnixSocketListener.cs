using System.Net.Sockets;
using System.Security.Cryptography;
using XcpTunnel.Configuration;
using XcpTunnel.Interop;

namespace XcpTunnel.Tunnels;

/// <summary>
/// Binds a tunnel's <c>unix:</c> listener safely: a socket file left by a daemon that died is replaced, a live one
/// (another daemon serving it) or anything that is not a socket is left alone with an error; the new file gets its
/// mode and group before it appears under its name, so there is no moment at which it is open wider.
/// </summary>
internal static class UnixSocketListener
{
    /// <summary>Binds and listens on <paramref name="endPoint"/>; returns the socket and the inode of its file.</summary>
    /// <exception cref="SocketException">The path is in use by a live socket, or cannot be bound.</exception>
    /// <exception cref="IOException">Something else is at the path, or the mode or group cannot be set.</exception>
    public static (Socket Socket, ulong Inode) Bind(UnixDomainSocketEndPoint endPoint, UnixSocketSettings settings, int backlog)
    {
        var path = endPoint.ToString();
        RefuseLiveOrForeign(path, endPoint);

        // Made under a private name in the same directory, then renamed over the target: the rename is atomic and
        // replaces a stale socket file in the same step.
        var directory = Path.GetDirectoryName(path) ?? "/";
        var staging = Path.Combine(directory, ".xcptunnel-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(staging));
            try
            {
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(staging, settings.Mode);
                }

                if (settings.GroupId is { } gid)
                {
                    UnixFiles.ChangeOwner(staging, uid: null, (uint)gid);
                }

                File.Move(staging, path, overwrite: true);
            }
            catch
            {
                File.Delete(staging);
                throw;
            }

            socket.Listen(backlog);
            return (socket, UnixFiles.Status(path)?.Inode ?? 0);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Removes the socket file at <paramref name="path"/> if it is still the one bound (a later daemon's is left).</summary>
    public static void Remove(string path, ulong inode)
    {
        try
        {
            if (UnixFiles.Status(path) is { IsSocket: true } file && file.Inode == inode)
            {
                File.Delete(path);
            }
        }
        catch (IOException)
        {
            // Leaving a stale file is harmless: the next start replaces it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void RefuseLiveOrForeign(string path, UnixDomainSocketEndPoint endPoint)
    {
        switch (UnixFiles.Status(path))
        {
            case null:
                return;
            case { IsSocket: false }:
                throw new IOException($"{path} exists and is not a socket; remove it or choose another path");
        }

        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(endPoint);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            // Nobody listens: the file of a daemon that did not stop cleanly.
            return;
        }

        throw new SocketException((int)SocketError.AddressAlreadyInUse, $"another process is listening on {path}");
    }
}
