using System.CommandLine;

namespace XcpTunnel;

internal static class Program
{
    private static int Main(string[] args)
    {
        var root = new RootCommand(
            "xcptunnel: every VM console of a XenServer / XCP-ng pool as a plain VNC server on a local port.");
        return root.Parse(args).Invoke();
    }
}
