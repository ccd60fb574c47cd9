using System.CommandLine;
using XcpTunnel.Cli;

namespace XcpTunnel;

internal static class Program
{
    private static int Main(string[] args)
    {
        var root = new RootCommand(
            "xcptunnel: every VM console of a XenServer / XCP-ng pool as a plain VNC server on a local port.")
        {
            ServeCommand.Create(),
            DemoCommand.Create(),
            ConnectCommand.Create(),
            VmsCommand.Create(),
            CheckCommand.Create(),
            TrustCommand.Create(),
        };
        return root.Parse(args).Invoke();
    }
}
