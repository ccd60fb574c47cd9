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
    public async Task WriteAsync(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        await output.WriteLineAsync($"xcptunnel demo: {Pool} runs in this process,").ConfigureAwait(false);
        await output.WriteLineAsync("with a tunnel to each of its VMs. Point a VNC viewer at them:").ConfigureAwait(false);
        await output.WriteLineAsync().ConfigureAwait(false);
        await WriteViewersAsync(output).ConfigureAwait(false);
        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync("Running VMs show a test card: colour bars, the VM's name and a clock ticking every second.").ConfigureAwait(false);
        await output.WriteLineAsync("Ctrl+Alt+Del in a viewer reboots its VM: the same window shows the boot text, then the card again.").ConfigureAwait(false);
        foreach (var (vm, port) in DemoPool.Vms.Zip(ports.Tunnels).Where(p => p.First.Backend is null))
        {
            await output.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture, $"Port {port} shows why it cannot connect: the viewer is told \"VM '{vm.Name}' is {vm.PowerState}\".")).ConfigureAwait(false);
        }

        await output.WriteLineAsync().ConfigureAwait(false);
        await WriteStatusPageAsync(output, "Status page").ConfigureAwait(false);
        await output.WriteLineAsync().ConfigureAwait(false);
        await WriteCommandsAsync(output).ConfigureAwait(false);
        await output.WriteLineAsync($"`serve` needs the ports this demo holds: start `{program} demo --pool-only` instead, then the serve line it prints.").ConfigureAwait(false);
        await output.WriteLineAsync("Press Ctrl+C to stop.").ConfigureAwait(false);
        await output.FlushAsync().ConfigureAwait(false);
    }

    /// <summary><c>--pool-only</c>: only the pool runs here; <c>serve</c> runs its tunnels from the configuration.</summary>
    public async Task WritePoolOnlyAsync(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        await output.WriteLineAsync($"xcptunnel demo --pool-only: {Pool} runs in this process, without tunnels.").ConfigureAwait(false);
        await output.WriteLineAsync("Run them with the daemon, in another terminal:").ConfigureAwait(false);
        await output.WriteLineAsync($"  {program} serve --config {ShellWords.Quote(directory.ConfigPath)}").ConfigureAwait(false);
        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync("It listens where the configuration says:").ConfigureAwait(false);
        await WriteViewersAsync(output).ConfigureAwait(false);
        await WriteStatusPageAsync(output, "  status page").ConfigureAwait(false);
        await output.WriteLineAsync().ConfigureAwait(false);
        await WriteCommandsAsync(output).ConfigureAwait(false);
        await output.WriteLineAsync("Press Ctrl+C to stop.").ConfigureAwait(false);
        await output.FlushAsync().ConfigureAwait(false);
    }

    private async Task WriteViewersAsync(TextWriter output)
    {
        var nameWidth = DemoPool.Vms.Max(vm => vm.Name.Length) + 2;
        var viewers = ports.Tunnels.Select(port => ViewerCommand.For(new IPEndPoint(IPAddress.Loopback, port))).ToList();
        var viewerWidth = viewers.Max(v => v.Length) + 2;
        for (var i = 0; i < DemoPool.Vms.Count; i++)
        {
            var vm = DemoPool.Vms[i];
            await output.WriteLineAsync($"  {vm.Name.PadRight(nameWidth)}{viewers[i].PadRight(viewerWidth)}({vm.Kind})").ConfigureAwait(false);
        }
    }

    private async Task WriteStatusPageAsync(TextWriter output, string label)
    {
        var health = $"http://{DemoPorts.Loopback(ports.Health)}";
        await output.WriteLineAsync($"{label} (tunnels, last probes, screens): {health}/   metrics: {health}/metrics").ConfigureAwait(false);
    }

    /// <summary>One line per command, ready to paste; a comment after <c>#</c> where the answer needs explaining.</summary>
    private async Task WriteCommandsAsync(TextWriter output)
    {
        var config = "--config " + ShellWords.Quote(directory.ConfigPath);
        var web = DemoPool.Vms[0].Name;
        var halted = DemoPool.Vms.First(vm => vm.Backend is null).Name;
        var kept = directory.Kept ? "kept after the demo stops" : "removed when the demo stops; --config-out DIR keeps it";
        await output.WriteLineAsync($"Every command works with this pool: its configuration is {directory.ConfigPath}").ConfigureAwait(false);
        await output.WriteLineAsync($"(every host's certificate pinned, a password file only you can read; {kept}). Try:").ConfigureAwait(false);
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
            await output.WriteLineAsync($"  {program} {line}").ConfigureAwait(false);
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
