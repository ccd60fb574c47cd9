using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using XcpTunnel.Daemon;
using XcpTunnel.Demo;

namespace XcpTunnel.Cli;

/// <summary>
/// <c>xcptunnel demo</c>: a simulated pool in this process and real tunnels to its VMs, built by the same code as
/// <c>serve</c>, so a VNC viewer shows what the daemon does without a XenServer at hand.
/// </summary>
internal static class DemoCommand
{
    public const int DefaultFirstPort = 5901;

    public static Command Create()
    {
        var port = new Option<int>("--port", "-p")
        {
            Description = "First local port to listen on; taken ports are skipped.",
            DefaultValueFactory = _ => DefaultFirstPort,
            HelpName = "PORT",
        };
        port.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<int>();
            if (value is < 1 or > 65535)
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"--port: {value} is not a port (1-65535)"));
            }
        });
        var verbose = CommonOptions.Verbose();
        var command = new Command(
            "demo",
            """
            Try it with no pool: a simulated XCP-ng pool in this process, with tunnels to its VMs.

            The pool has 2 hosts (TLS, JSON-RPC and XML-RPC, CONNECT /console). Its running VMs draw a test
            card (colour bars, the VM's name, a clock); its halted VM shows the reason a viewer gets. Tunnels
            listen on 127.0.0.1:5901 and up; it prints what to point a VNC viewer at and runs until Ctrl+C.

            Examples:
              xcptunnel demo
              vncviewer 127.0.0.1:5901          (in another terminal)
              xcptunnel demo --port 6001

            """ + ExitCodes.HelpText)
        {
            port,
            verbose,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var isVerbose = parse.GetValue(verbose);
            return CliErrors.RunAsync(
                ct => RunAsync(parse.GetValue(port), isVerbose, Console.Out, ct), isVerbose, Console.Error, cancellationToken);
        });
        return command;
    }

    public static async Task<int> RunAsync(int firstPort, bool verbose, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);

        // Logs go to stderr, quiet unless asked, so the instructions on stdout stay readable.
        var logging = new DaemonLogging(verbose ? LogLevel.Debug : LogLevel.Warning, ToStandardError: true);
        using var simulatorLogging = LoggerFactory.Create(b => DaemonHost.ConfigureLogging(b, logging));
        await using var demo = await DemoPool.StartAsync(simulatorLogging, cancellationToken).ConfigureAwait(false);
        var ports = DemoPool.ChooseFreePorts(firstPort, DemoPool.Vms.Count);

        // Disposed before the pool: the tunnels drain and log out while the pool still answers.
        using var host = DaemonHost.Build(demo.CreateSettings(ports), logging);
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        await WriteInstructionsAsync(output, ports).ConfigureAwait(false);
        await host.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    private static async Task WriteInstructionsAsync(TextWriter output, IReadOnlyList<int> ports)
    {
        var nameWidth = DemoPool.Vms.Max(vm => vm.Name.Length) + 2;
        var targetWidth = DemoPool.Vms.Select((_, i) => DemoPool.ListenText(ports[i]).Length).Max() + 2;
        await output.WriteLineAsync("xcptunnel demo: a simulated XCP-ng pool (2 hosts, TLS, JSON-RPC and XML-RPC) runs in this process,").ConfigureAwait(false);
        await output.WriteLineAsync("with a tunnel to each of its VMs. Point a VNC viewer at them:").ConfigureAwait(false);
        await output.WriteLineAsync().ConfigureAwait(false);
        for (var i = 0; i < DemoPool.Vms.Count; i++)
        {
            var vm = DemoPool.Vms[i];
            await output.WriteLineAsync(
                $"  {vm.Name.PadRight(nameWidth)}vncviewer {DemoPool.ListenText(ports[i]).PadRight(targetWidth)}({vm.Kind})").ConfigureAwait(false);
        }

        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync("Running VMs show a test card: colour bars, the VM's name and a clock ticking every second.").ConfigureAwait(false);
        var halted = DemoPool.Vms.Select((vm, i) => (vm, port: ports[i])).Where(p => p.vm.Backend is null);
        foreach (var (vm, port) in halted)
        {
            await output.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture, $"Port {port} shows why it cannot connect: the viewer is told \"VM '{vm.Name}' is {vm.PowerState}\".")).ConfigureAwait(false);
        }

        await output.WriteLineAsync("Press Ctrl+C to stop.").ConfigureAwait(false);
        await output.FlushAsync().ConfigureAwait(false);
    }
}
