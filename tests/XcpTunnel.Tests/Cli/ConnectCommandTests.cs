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
        Assert.Equal(0, await process.Viewer.ReadAsync(new byte[64]).AsTask().Within());
        Assert.Equal(1, await process.WaitForExitAsync());
        Assert.Contains("outcome vm_not_running", process.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(ConnectProcess.Password, process.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_WrongFingerprint_ViewerReadsTheCertificateReason()
    {
        await using var pool = await ConnectEndToEndTests.StartPoolAsync();
        pool.AddVm("web01");
        using var directory = TemporaryDirectory.Create("xcptunnel-connect-");
        var wrong = new string('A', 64);
        var port = TestPorts.Free();
        string[] arguments =
        [
            ServeProcess.DaemonDll, "connect", "web01", "--url", pool.Hosts[0].Url.ToString(), "--user", "root",
            "--password-file", ConnectProcess.WritePasswordFile(directory), "--fingerprint", wrong,
            "--listen", ConnectProcess.ListenArgument(port), "--once",
        ];
        await using var connect = await ConnectProcess.StartAsync(arguments);
        await using var viewer = await FakeViewer.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port));

        var reason = await viewer.RefusalAsync(RfbProtocolVersion.V3_8);

        Assert.Contains("does not match the pinned fingerprint", reason, StringComparison.Ordinal);
        Assert.Contains(pool.Hosts[0].CertificateSha256Hex[..2], reason, StringComparison.Ordinal);
        Assert.Equal(1, await connect.WaitForExitAsync());
    }

    [Fact]
    public async Task Connect_NoPasswordAndNoTerminal_ExitsOneWithOneSentence()
    {
        var result = await RunAsync(
            ["connect", "web01", "--url", "https://127.0.0.1:1", "--user", "root", "--insecure"],
            new Dictionary<string, string?> { ["XCPTUNNEL_PASSWORD"] = null });

        Assert.Equal(1, result.ExitCode);
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.Contains("warning", StringComparison.Ordinal)).ToList();
        var line = Assert.Single(lines);
        Assert.StartsWith("xcptunnel: --password-file: no password:", line, StringComparison.Ordinal);
        Assert.Contains("XCPTUNNEL_PASSWORD", line, StringComparison.Ordinal);
        Assert.Empty(result.StandardOutput);
    }

    [Fact]
    public async Task ConnectStdio_WithListenerOptions_ExitsOneNamingEach()
    {
        var port = TestPorts.Free();
        var result = await RunAsync(
            ["connect", "web01", "--url", "https://127.0.0.1:1", "--user", "root", "--insecure", "--listen", ConnectProcess.ListenArgument(port), "--allow-remote", "--once", "--stdio"],
            new Dictionary<string, string?> { ["XCPTUNNEL_PASSWORD"] = "secret" });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--listen: has no meaning with --stdio", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("--once: has no meaning with --stdio", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("no password", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_NonLoopbackListenWithoutAllowRemote_ExitsOneNamingTheOption()
    {
        var result = await RunAsync(
            ["connect", "web01", "--url", "https://127.0.0.1:1", "--user", "root", "--insecure", "--listen", "0.0.0.0:5999"],
            new Dictionary<string, string?> { ["XCPTUNNEL_PASSWORD"] = "secret" });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("xcptunnel: --listen: 0.0.0.0:5999 is not a loopback address; add --allow-remote", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(result.StandardOutput);
    }

    [Fact]
    public async Task Connect_TwoTrustOptions_ExitsOneNamingBoth()
    {
        var result = await RunAsync(
            ["connect", "web01", "--url", "https://127.0.0.1:1", "--user", "root", "--insecure", "--fingerprint", new string('A', 64)],
            new Dictionary<string, string?> { ["XCPTUNNEL_PASSWORD"] = "secret" });

        Assert.Equal(1, result.ExitCode);
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
        var exitCode = await process.WaitForExitAsync(CancellationToken.None).Within();
        return (exitCode, process.StandardOutput, process.StandardError);
    }
}
