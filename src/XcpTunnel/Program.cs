using System.CommandLine;
using System.CommandLine.Invocation;
using XcpTunnel.Cli;

namespace XcpTunnel;

internal static class Program
{
    private const string RootDetails = """
        Start here:
          xcptunnel demo                       a simulated pool and tunnels to it; no XenServer needed
          xcptunnel trust https://xcp01 --write --pool lab
          xcptunnel check                      validate /etc/xcptunnel/xcptunnel.json against the pools
          xcptunnel serve                      the daemon: every tunnel in the configuration
          xcptunnel probe centos               Nagios check of a tunnel's console (exit 0/1/2/3)

        Run `xcptunnel COMMAND --help` for a command's options and examples.
        """ + "\n" + ExitCodes.HelpText;

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
            ProbeCommand.Create(),
            SnapshotCommand.Create(),
        };
        CommandHelp.Install(root, RootDetails);
        UsageErrors.RejectOptionLikeValues(root);
        var parsed = root.Parse(args);
        if (parsed.Action is ParseErrorAction)
        {
            return UsageErrors.Report(parsed, Console.Out, Console.Error);
        }

        var invocation = new InvocationConfiguration();
        if (parsed.CommandResult.Command.Name is "serve" or "demo")
        {
            // Their hosts handle SIGTERM and SIGINT themselves: stop accepting, drain for Timeouts:DrainSeconds,
            // log out. System.CommandLine would otherwise end the process 2 s after the signal, mid-drain.
            invocation.ProcessTerminationTimeout = null;
        }

        return parsed.Invoke(invocation);
    }
}
