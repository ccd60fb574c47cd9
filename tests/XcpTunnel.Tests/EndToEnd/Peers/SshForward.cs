using System.Globalization;

namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>
/// <c>ssh -N -L 127.0.0.1:LOCAL:TARGETHOST:TARGETPORT user@127.0.0.1</c> through an <see cref="SshServer"/>,
/// logged in as a <see cref="TestUser"/> with its key: connections to <see cref="LocalPort"/> reach the
/// target from sshd's session process, which runs as that user — what the daemon identifies users by.
/// </summary>
internal sealed class SshForward : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly RunningProcess ssh;

    private SshForward(RunningProcess ssh, int localPort)
    {
        this.ssh = ssh;
        LocalPort = localPort;
    }

    public string LocalHost => "127.0.0.1";

    public int LocalPort { get; }

    public string Log => ssh.StandardError + ssh.StandardOutput;

    /// <summary>Starts the forward and waits until <see cref="LocalPort"/> listens (checked without connecting to it).</summary>
    public static Task<SshForward> StartAsync(SshServer server, TestUser user, string targetHost, int targetPort, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        return StartAsync(server, user.Name, user.Key, targetHost, targetPort, cancellationToken);
    }

    /// <summary>Logs in as <paramref name="userName"/> with <paramref name="key"/>, which need not be that user's (to test a refusal).</summary>
    public static Task<SshForward> StartAsync(
        SshServer server, string userName, SshKeyPair key, string targetHost, int targetPort, CancellationToken cancellationToken) =>
        StartAsync(server, userName, key, string.Create(CultureInfo.InvariantCulture, $"{targetHost}:{targetPort}"), cancellationToken);

    /// <summary>
    /// Forwards to a unix socket on the server's side (<c>ssh -L 127.0.0.1:LOCAL:/path</c>): sshd connects to
    /// <paramref name="socketPath"/> as <paramref name="user"/>, whose credentials the socket's server then sees.
    /// </summary>
    public static Task<SshForward> StartToUnixSocketAsync(SshServer server, TestUser user, string socketPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        return StartAsync(server, user.Name, user.Key, socketPath, cancellationToken);
    }

    // ssh binds the local port itself: picked here, so a port taken meanwhile is picked again.
    private static Task<SshForward> StartAsync(
        SshServer server, string userName, SshKeyPair key, string target, CancellationToken cancellationToken) =>
        TestPorts.BindingAsync(() => StartOnceAsync(server, userName, key, target, cancellationToken));

    private static async Task<SshForward> StartOnceAsync(
        SshServer server, string userName, SshKeyPair key, string target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(key);
        var localPort = TestPorts.Free();
        var ssh = Processes.Start(new ProcessSpec(PeerProgram.Ssh.Require(),
        [
            // No ssh_config, the user's or the system's: only what is written here applies.
            "-F", "/dev/null",
            "-N",
            "-L", string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{localPort}:{target}"),
            "-p", server.Port.ToString(CultureInfo.InvariantCulture),
            "-i", key.PrivateKeyPath,
            "-o", "IdentitiesOnly=yes",
            "-o", "StrictHostKeyChecking=no",
            "-o", "UserKnownHostsFile=/dev/null",
            "-o", "BatchMode=yes",
            // A forward that cannot bind must end ssh, not leave it running without the port.
            "-o", "ExitOnForwardFailure=yes",
            "-o", "LogLevel=ERROR",
            $"{userName}@{server.Host}",
        ]));
        try
        {
            var deadline = DateTime.UtcNow + StartTimeout;
            while (!TcpSockets.IsListeningOnLoopback(localPort))
            {
                if (ssh.HasExited || DateTime.UtcNow > deadline)
                {
                    throw new ProcessFailedException(
                        ssh.Describe(ssh.HasExited ? $"ssh exited with {ssh.ExitCode} before 127.0.0.1:{localPort} listened" : $"127.0.0.1:{localPort} did not listen within {StartTimeout.TotalSeconds:0} s") +
                        $"--- {server} log ---\n{server.Log}");
                }

                await Task.WhenAny(ssh.Exited, Task.Delay(50, cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
            }

            return new SshForward(ssh, localPort);
        }
        catch
        {
            await ssh.DisposeAsync();
            throw;
        }
    }

    public override string ToString() => $"ssh -L {LocalHost}:{LocalPort}";

    public ValueTask DisposeAsync() => ssh.DisposeAsync();
}
