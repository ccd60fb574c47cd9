namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>
/// Hands out X display numbers for the tests' X servers (Xvnc, Xvfb), so parallel tests never pick the
/// same one between the check and the server creating its lock file.
/// </summary>
internal static class XDisplays
{
    // Well above the :0..:99 of real desktops and vncserver sessions.
    private const int First = 100;
    private const int Last = 29999;

    private static readonly Lock Gate = new();
    private static readonly HashSet<int> Reserved = [];

    // An X server claims display N with /tmp/.XN-lock and listens on /tmp/.X11-unix/XN.
    public static int Reserve()
    {
        lock (Gate)
        {
            var span = Last - First + 1;
            var start = Random.Shared.Next(span);
            for (var i = 0; i < span; i++)
            {
                var display = First + ((start + i) % span);
                if (!Reserved.Contains(display) && !File.Exists($"/tmp/.X{display}-lock") && !File.Exists(SocketPath(display)))
                {
                    Reserved.Add(display);
                    return display;
                }
            }
        }

        throw new InvalidOperationException($"no free X display in :{First}..:{Last}");
    }

    public static void Release(int display)
    {
        lock (Gate)
        {
            Reserved.Remove(display);
        }
    }

    public static string SocketPath(int display) => $"/tmp/.X11-unix/X{display}";
}
