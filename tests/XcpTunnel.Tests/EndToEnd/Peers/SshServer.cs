using System.Globalization;
using System.Text;

namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>
/// OpenSSH's sshd, started by the test in the foreground (<c>-D -e</c>) on 127.0.0.1 with its own
/// configuration and host key: key-only login for <see cref="TestUser"/> accounts, no PAM, TCP
/// forwarding allowed. The system's ssh service is never touched (test.sh keeps it disabled).
/// </summary>
internal sealed class SshServer : IAsyncDisposable
{
    public const string ListenAddress = "127.0.0.1";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private const int MaxStartAttempts = 5;

    /// <summary>sshd's privilege-separation directory; systemd's unit creates it, so without the unit the test must.</summary>
    private const string PrivilegeSeparationDirectory = "/run/sshd";

    private readonly RunningProcess sshd;
    private readonly TemporaryDirectory directory;

    private SshServer(RunningProcess sshd, TemporaryDirectory directory, int port)
    {
        this.sshd = sshd;
        this.directory = directory;
        Port = port;
    }

    public string Host => ListenAddress;

    public int Port { get; }

    /// <summary>What sshd has logged (LogLevel VERBOSE, to stderr): logins, forwards, refusals.</summary>
    public string Log => sshd.StandardError + sshd.StandardOutput;

    public static async Task<SshServer> StartAsync(CancellationToken cancellationToken)
    {
        var program = PeerProgram.Sshd.Require();
        if (!Directory.Exists(PrivilegeSeparationDirectory))
        {
            Directory.CreateDirectory(PrivilegeSeparationDirectory, (UnixFileMode)0b111_101_101);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(StartTimeout);
        var failures = new StringBuilder();
        for (var attempt = 1; attempt <= MaxStartAttempts; attempt++)
        {
            var directory = TemporaryDirectory.Create("xcptunnel-sshd-");
            RunningProcess? sshd = null;
            try
            {
                var hostKey = await SshKeyPair.CreateAsync(directory.Path, "ssh_host_ed25519_key", "xcptunnel-test-host", deadline.Token);
                var port = TestPorts.Free();
                var configuration = directory.File("sshd_config");
                await File.WriteAllTextAsync(configuration, Configuration(port, hostKey.PrivateKeyPath), deadline.Token);
                // sshd re-executes itself, so it needs its absolute path (which Require gives).
                sshd = Processes.Start(new ProcessSpec(program, ["-D", "-e", "-f", configuration]) { WorkingDirectory = directory.Path });
                var listening = $"Server listening on {ListenAddress} port {port.ToString(CultureInfo.InvariantCulture)}.";
                while (!sshd.StandardError.Contains(listening, StringComparison.Ordinal) && !sshd.HasExited)
                {
                    await Task.WhenAny(sshd.Exited, Task.Delay(50, deadline.Token));
                    deadline.Token.ThrowIfCancellationRequested();
                }

                if (!sshd.HasExited)
                {
                    var server = new SshServer(sshd, directory, port);
                    sshd = null;
                    return server;
                }

                failures.AppendLine(sshd.Describe($"attempt {attempt}: sshd exited with {sshd.ExitCode}"));
                if (!sshd.StandardError.Contains("Address already in use", StringComparison.Ordinal))
                {
                    throw new ProcessFailedException(failures.ToString(), sshd.CommandLine, sshd.ExitCode, timedOut: false);
                }
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"sshd did not listen within {StartTimeout.TotalSeconds:0} s\n{failures}{sshd?.Describe("sshd so far")}");
            }
            finally
            {
                if (sshd is not null)
                {
                    await sshd.DisposeAsync();
                    directory.Dispose();
                }
            }
        }

        throw new ProcessFailedException($"sshd found no free port in {MaxStartAttempts} attempts:\n{failures}");
    }

    public override string ToString() => $"sshd on {Host}:{Port}";

    public async ValueTask DisposeAsync()
    {
        await sshd.DisposeAsync();
        directory.Dispose();
    }

    private static string Configuration(int port, string hostKey) => string.Join('\n',
        string.Create(CultureInfo.InvariantCulture, $"ListenAddress {ListenAddress}:{port}"),
        $"HostKey {hostKey}",
        "PidFile none",
        // No PAM: no prompts, no session modules, and the account check is sshd's own (not locked, valid shell).
        "UsePAM no",
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PermitRootLogin no",
        $"AllowUsers {TestUser.NamePrefix}*",
        "AuthorizedKeysFile .ssh/authorized_keys",
        "StrictModes yes",
        "AllowTcpForwarding yes",
        "AllowAgentForwarding no",
        "AllowStreamLocalForwarding local",
        "X11Forwarding no",
        "PermitTTY no",
        "PrintMotd no",
        "LogLevel VERBOSE",
        string.Empty);
}
