using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Simulator;
using XcpTunnel.Tests.EndToEnd;
using XcpTunnel.Tests.EndToEnd.Peers;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.Cli;

/// <summary><c>xcptunnel connect</c> as a process: what a viewer and the person who typed it see when things go wrong.</summary>
public sealed class ConnectCommandTests
{
    [Fact]
    public async Task ConnectStdio_HaltedVm_ViewerReadsWhyOnStdoutAndLogsGoToStderr()
    {
        await using var pool = await ConnectEndToEndTests.StartPoolAsync();
        pool.AddVm("web01", powerState: SimulatedPowerState.Halted);
        using var directory = TemporaryDirectory.Create("xcptunnel-connect-");
        await using var process = StdioConnectProcess.Start(ConnectProcess.Arguments(pool, "web01", ConnectProcess.WritePasswordFile(directory), "--stdio"));
        var viewer = FakeViewer.Over(process.Viewer);

        var outcome = await viewer.ConnectAsync(RfbProtocolVersion.V3_8);

        Assert.Equal(RfbProtocolVersion.V3_8, outcome.Server);
        Assert.Equal("VM 'web01' is Halted", outcome.Refusal);
        // Nothing but RFB on stdout: after the failure greeting comes EOF.
        Assert.Equal(0, await process.Viewer.ReadAsync(new byte[64]).AsTask().Bounded());
        Assert.Equal(1, await process.WaitForExitAsync());
        Assert.Contains("outcome vm_not_running", process.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(ConnectProcess.Password, process.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_WrongFingerprint_ExitsBeforeListening_NamingTheCertificateNotALogin()
    {
        await using var pool = await ConnectEndToEndTests.StartPoolAsync();
        pool.AddVm("web01");
        using var directory = TemporaryDirectory.Create("xcptunnel-connect-");
        var port = TestPorts.Free();

        var result = await RunAsync(
            [
                "connect", "web01", "--url", pool.Hosts[0].Url.ToString(), "--user", "root",
                "--password-file", ConnectProcess.WritePasswordFile(directory), "--fingerprint", new string('A', 64),
                "--listen", ConnectProcess.ListenArgument(port), "--once",
            ],
            new Dictionary<string, string?>());

        Assert.Equal(1, result.ExitCode);
        Assert.DoesNotContain(ConnectProcess.Ready, result.StandardOutput, StringComparison.Ordinal);
        var line = Assert.Single(result.StandardError.Split('\n'), l => l.StartsWith("xcptunnel: ", StringComparison.Ordinal));
        Assert.StartsWith($"xcptunnel: pool {pool.Hosts[0].Url.Authority}: certificate of 127.0.0.1 does not match the pinned fingerprint", line, StringComparison.Ordinal);
        Assert.Contains(CliPool.Fingerprint(pool.Hosts[0]), line, StringComparison.Ordinal);
        Assert.DoesNotContain("login failed", line, StringComparison.Ordinal);
        Assert.Equal(0, pool.Counters.Logins);
    }

    [Fact]
    public async Task Connect_WrongPassword_ExitsBeforeListening_NamingThePoolByItsHost()
    {
        await using var pool = await ConnectEndToEndTests.StartPoolAsync();
        pool.AddVm("web01");
        using var directory = TemporaryDirectory.Create("xcptunnel-connect-");

        var result = await RunAsync(
            [.. ConnectProcess.Arguments(pool, "web01", ConnectProcess.WritePasswordFile(directory, "not-the-password"), "--listen", ConnectProcess.ListenArgument(TestPorts.Free())).Skip(1)],
            new Dictionary<string, string?>());

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        Assert.Contains($"xcptunnel: XAPI login failed for root on {pool.Hosts[0].Url.Authority}: ", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("on connect", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_NoPasswordAndNoTerminal_ExitsTwoWithOneSentence()
    {
        var result = await RunAsync(
            ["connect", "web01", "--url", "https://127.0.0.1:1", "--user", "root", "--insecure"],
            new Dictionary<string, string?> { ["XCPTUNNEL_PASSWORD"] = null });

        Assert.Equal(2, result.ExitCode);
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.Contains("warning", StringComparison.Ordinal)).ToList();
        var line = Assert.Single(lines);
        Assert.StartsWith("xcptunnel: --password-file: no password:", line, StringComparison.Ordinal);
        Assert.Contains("XCPTUNNEL_PASSWORD", line, StringComparison.Ordinal);
        Assert.Empty(result.StandardOutput);
    }

    [Fact]
    public async Task ConnectStdio_WithListenerOptions_ExitsTwoNamingEach()
    {
        var port = TestPorts.Free();
        var result = await RunAsync(
            ["connect", "web01", "--url", "https://127.0.0.1:1", "--user", "root", "--insecure", "--listen", ConnectProcess.ListenArgument(port), "--allow-remote", "--once", "--stdio"],
            new Dictionary<string, string?> { ["XCPTUNNEL_PASSWORD"] = "secret" });

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--listen: has no meaning with --stdio", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("--once: has no meaning with --stdio", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("no password", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_NonLoopbackListenWithoutAllowRemote_ExitsTwoNamingTheOption()
    {
        var result = await RunAsync(
            ["connect", "web01", "--url", "https://127.0.0.1:1", "--user", "root", "--insecure", "--listen", "0.0.0.0:5999"],
            new Dictionary<string, string?> { ["XCPTUNNEL_PASSWORD"] = "secret" });

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("xcptunnel connect: --listen: 0.0.0.0:5999 is not a loopback address; add --allow-remote", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(result.StandardOutput);
    }

    [Fact]
    public async Task Connect_TwoTrustOptions_ExitsTwoNamingBoth()
    {
        var result = await RunAsync(
            ["connect", "web01", "--url", "https://127.0.0.1:1", "--user", "root", "--insecure", "--fingerprint", new string('A', 64)],
            new Dictionary<string, string?> { ["XCPTUNNEL_PASSWORD"] = "secret" });

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--insecure: cannot be combined with --fingerprint", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectHelp_ShowsTheStdioAndPlainExamples()
    {
        var result = await RunAsync(["connect", "--help"], new Dictionary<string, string?>());

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("ProxyCommand", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("socat TCP-LISTEN", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("--password-file", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("--password ", result.StandardOutput, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string StandardOutput, string StandardError)> RunAsync(
        string[] arguments, IReadOnlyDictionary<string, string?> environment)
    {
        await using var process = Processes.Start(new ProcessSpec("dotnet", [ServeProcess.DaemonDll, .. arguments]) { Environment = environment });
        var exitCode = await process.WaitForExitAsync(CancellationToken.None).Bounded();
        return (exitCode, process.StandardOutput, process.StandardError);
    }
}
