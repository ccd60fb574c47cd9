using XcpTunnel.Tests.EndToEnd.Peers;

namespace XcpTunnel.Tests.EndToEnd;

/// <summary>
/// The real <c>xcptunnel</c> binary as a child process, as a user (or systemd) runs it: <c>serve</c> with a
/// config file, ready once it logs that every tunnel listens (or any command, ready when its output says so),
/// stopped with SIGTERM.
/// </summary>
internal sealed class ServeProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private ServeProcess(RunningProcess process) => Process = process;

    public RunningProcess Process { get; }

    public static string DaemonDll => Path.Combine(AppContext.BaseDirectory, "xcptunnel.dll");

    public static Task<ServeProcess> StartAsync(string configPath, IReadOnlyCollection<string> tunnels) =>
        StartAsync(
            ["serve", "--config", configPath],
            output => tunnels.All(t => output.Contains($"Tunnel {t} listening", StringComparison.Ordinal)));

    /// <summary>
    /// Runs <c>serve</c> on the configuration <paramref name="writeConfig"/> writes, on ports it picks with
    /// <see cref="TestPorts.Free"/>, until the tunnels named and the health endpoint listen. When another process took
    /// one of the ports before <c>serve</c> bound it, the configuration is written again (new ports) and <c>serve</c>
    /// started again.
    /// </summary>
    public static Task<ServeProcess> StartAsync(Func<string> writeConfig, IReadOnlyCollection<string> tunnels) =>
        TestPorts.BindingAsync(() => StartAsync(
            ["serve", "--config", writeConfig()],
            output => tunnels.All(t => output.Contains($"Tunnel {t} listening", StringComparison.Ordinal))
                && output.Contains("Health endpoint listening", StringComparison.Ordinal)));

    /// <summary>Runs <c>xcptunnel <paramref name="arguments"/></c> until its standard output satisfies <paramref name="isReady"/>.</summary>
    public static Task<ServeProcess> StartAsync(IReadOnlyList<string> arguments, Func<string, bool> isReady) =>
        StartAsync(Command(arguments), isReady);

    /// <summary>The spec that runs <c>xcptunnel <paramref name="arguments"/></c>, to add an environment or wrap it in another program.</summary>
    public static ProcessSpec Command(IReadOnlyList<string> arguments) => new("dotnet", [DaemonDll, .. arguments]);

    /// <summary>Runs <paramref name="spec"/> (an xcptunnel command, perhaps wrapped) until its output (both streams) satisfies <paramref name="isReady"/>.</summary>
    public static async Task<ServeProcess> StartAsync(ProcessSpec spec, Func<string, bool> isReady)
    {
        var process = Processes.Start(spec);
        var deadline = DateTime.UtcNow + StartTimeout;
        while (!isReady(process.StandardOutput + process.StandardError))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                var description = process.Describe("xcptunnel did not start");
                await process.DisposeAsync();
                throw new InvalidOperationException(description);
            }

            await Task.Delay(50);
        }

        return new ServeProcess(process);
    }

    /// <summary>
    /// Runs a one-shot command of the same binary (<c>xcptunnel vms …</c>) to its end and returns its
    /// output and exit code, whatever that is.
    /// </summary>
    public static Task<ProcessResult> RunCommandAsync(params string[] arguments) =>
        Processes.RunToExitAsync(Command(arguments), StartTimeout, CancellationToken.None);

    /// <summary>SIGTERM, as systemd stops a service; returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        Process.Terminate();
        return await Process.WaitForExitAsync(CancellationToken.None).WaitAsync(StartTimeout);
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
