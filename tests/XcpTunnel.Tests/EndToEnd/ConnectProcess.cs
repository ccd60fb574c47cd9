using System.Diagnostics;
using System.Globalization;
using System.Text;
using XcpTunnel.Protocol.Streams;
using XcpTunnel.Simulator;
using XcpTunnel.Tests.EndToEnd.Peers;

namespace XcpTunnel.Tests.EndToEnd;

/// <summary>
/// The real <c>xcptunnel connect</c> binary against a simulated pool, as a user types it: a password file
/// (mode 600) and the hosts' fingerprints on the command line.
/// </summary>
internal sealed class ConnectProcess : IAsyncDisposable
{
    public const string Password = "connect-Pa55word";

    public const string Ready = "Connect a VNC viewer to ";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private ConnectProcess(RunningProcess process) => Process = process;

    public RunningProcess Process { get; }

    /// <summary><c>connect VM --url … --user root --password-file F --fingerprint …</c> then <paramref name="extra"/>.</summary>
    public static List<string> Arguments(SimulatedPool pool, string vm, string passwordFile, params string[] extra) =>
    [
        ServeProcess.DaemonDll, "connect", vm,
        "--url", pool.Hosts[0].Url.ToString(), "--user", "root", "--password-file", passwordFile,
        .. pool.Hosts.SelectMany(h => new[] { "--fingerprint", h.CertificateSha256Hex }),
        .. extra,
    ];

    public static string WritePasswordFile(TemporaryDirectory directory, string password = Password)
    {
        var path = directory.File("pool.password");
        File.WriteAllText(path, password + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    public static string ListenArgument(int port) => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}");

    /// <summary>Starts listening mode and waits for the address line on stdout.</summary>
    public static async Task<ConnectProcess> StartAsync(IReadOnlyList<string> arguments)
    {
        var process = Processes.Start(new ProcessSpec("dotnet", arguments));
        var deadline = DateTime.UtcNow + StartTimeout;
        while (!process.StandardOutput.Contains(Ready, StringComparison.Ordinal))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                var description = process.Describe("xcptunnel connect did not start listening");
                await process.DisposeAsync();
                throw new InvalidOperationException(description);
            }

            await Task.Delay(50);
        }

        return new ConnectProcess(process);
    }

    public async Task<int> WaitForExitAsync() => await Process.WaitForExitAsync(CancellationToken.None).WaitAsync(StartTimeout);

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}

/// <summary>
/// <c>xcptunnel connect --stdio</c> with the test holding the other end of its stdin and stdout, as
/// ssh or inetd would: <see cref="Viewer"/> reads what it writes to stdout and writes its stdin.
/// </summary>
internal sealed class StdioConnectProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _standardError = new();
    private readonly Task _errorPump;

    private StdioConnectProcess(IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        Viewer = new DuplexStream(_process.StandardOutput.BaseStream, _process.StandardInput.BaseStream);
        _errorPump = PumpErrorsAsync();
    }

    /// <summary>Reads the process's stdout, writes its stdin.</summary>
    public DuplexStream Viewer { get; }

    public string StandardError
    {
        get
        {
            lock (_standardError)
            {
                return _standardError.ToString();
            }
        }
    }

    public static StdioConnectProcess Start(IReadOnlyList<string> arguments) => new(arguments);

    /// <summary>Waits for exit and for stderr to be read to its end.</summary>
    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await _errorPump.WaitAsync(TimeSpan.FromSeconds(5));
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        await Viewer.DisposeAsync();
        _process.Dispose();
    }

    private async Task PumpErrorsAsync()
    {
        var buffer = new char[4096];
        int read;
        while ((read = await _process.StandardError.ReadAsync(buffer)) > 0)
        {
            lock (_standardError)
            {
                _standardError.Append(buffer, 0, read);
            }
        }
    }
}
