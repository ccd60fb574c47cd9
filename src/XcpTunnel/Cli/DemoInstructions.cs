using System.Globalization;
using System.Net;
using XcpTunnel.Demo;
using XcpTunnel.Health;

namespace XcpTunnel.Cli;

/// <summary>
/// What <c>xcptunnel demo</c> prints: what to point a viewer at, where the status page is, and the command lines
/// that try every other command against the demo's pool, each ready to paste.
/// </summary>
internal sealed class DemoInstructions(string program, DemoDirectory directory, DemoPool pool, DemoPorts ports)
{
    private const string Pool = "a simulated XCP-ng pool (2 hosts, TLS, JSON-RPC and XML-RPC)";

    /// <summary>The full demo: tunnels and the health endpoint run in this process.</summary>
    public void Write(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine($"xcptunnel demo: {Pool} runs in this process,");
        output.WriteLine("with a tunnel to each of its VMs. Point a VNC viewer at them:");
        output.WriteLine();
        WriteViewers(output);
        output.WriteLine();
        output.WriteLine("Running VMs show a test card: colour bars, the VM's name and a clock ticking every second.");
        output.WriteLine("Ctrl+Alt+Del in a viewer reboots its VM: the same window shows the boot text, then the card again.");
        foreach (var (vm, port) in DemoPool.Vms.Zip(ports.Tunnels).Where(p => p.First.Backend is null))
        {
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture, $"Port {port} shows why it cannot connect: the viewer is told \"VM '{vm.Name}' is {vm.PowerState}\"."));
        }

        output.WriteLine();
        WriteStatusPage(output, "Status page");
        output.WriteLine();
        WriteCommands(output);
        output.WriteLine($"`serve` needs the ports this demo holds: start `{program} demo --pool-only` instead, then the serve line it prints.");
        output.WriteLine("Press Ctrl+C to stop.");
        output.Flush();
    }

    /// <summary><c>--pool-only</c>: only the pool runs here; <c>serve</c> runs its tunnels from the configuration.</summary>
    public void WritePoolOnly(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine($"xcptunnel demo --pool-only: {Pool} runs in this process, without tunnels.");
        output.WriteLine("Run them with the daemon, in another terminal:");
        output.WriteLine($"  {program} serve --config {ShellWords.Quote(directory.ConfigPath)}");
        output.WriteLine();
        output.WriteLine("It listens where the configuration says:");
        WriteViewers(output);
        WriteStatusPage(output, "  status page");
        output.WriteLine();
        WriteCommands(output);
        output.WriteLine("Press Ctrl+C to stop.");
        output.Flush();
    }

    private void WriteViewers(TextWriter output)
    {
        var nameWidth = DemoPool.Vms.Max(vm => vm.Name.Length) + 2;
        var viewers = ports.Tunnels.Select(port => ViewerCommand.For(new IPEndPoint(IPAddress.Loopback, port))).ToList();
        var viewerWidth = viewers.Max(v => v.Length) + 2;
        for (var i = 0; i < DemoPool.Vms.Count; i++)
        {
            var vm = DemoPool.Vms[i];
            output.WriteLine($"  {vm.Name.PadRight(nameWidth)}{viewers[i].PadRight(viewerWidth)}({vm.Kind})");
        }
    }

    private void WriteStatusPage(TextWriter output, string label)
    {
        var health = $"http://{DemoPorts.Loopback(ports.Health)}";
        output.WriteLine($"{label} (tunnels, last probes, screens): {health}/   metrics: {health}/metrics");
    }

    /// <summary>One line per command, ready to paste; a comment after <c>#</c> where the answer needs explaining.</summary>
    private void WriteCommands(TextWriter output)
    {
        var config = "--config " + ShellWords.Quote(directory.ConfigPath);
        var web = DemoPool.Vms[0].Name;
        var halted = DemoPool.Vms.First(vm => vm.Backend is null).Name;
        var kept = directory.Kept ? "kept after the demo stops" : "removed when the demo stops; --config-out DIR keeps it";
        output.WriteLine($"Every command works with this pool: its configuration is {directory.ConfigPath}");
        output.WriteLine($"(every host's certificate pinned, a password file only you can read; {kept}). Try:");
        string[] lines =
        [
            $"vms {config}",
            $"check {config}   # {halted} is halted: its ✗ is expected",
            $"probe {web} {config}",
            $"probe {DemoPorts.Loopback(ports.Tunnels[0])}   # through the running tunnel, as one more viewer",
            $"snapshot {web} {web}.png {config}",
            ConnectLine(web) + "   # one ad-hoc tunnel, no configuration",
        ];
        foreach (var line in lines)
        {
            output.WriteLine($"  {program} {line}");
        }
    }

    private string ConnectLine(string vm) =>
        ShellWords.Join(
        [
            "connect", vm, "--url", pool.Urls[0].ToString(), "--user", DemoPool.UserName, "--password-file", directory.PasswordPath,
            .. pool.Fingerprints.SelectMany(f => new[] { "--fingerprint", f.ToString() }),
            "--listen", DemoPorts.Loopback(ports.Connect), "--once",
        ]);
}
