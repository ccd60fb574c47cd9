using XcpTunnel.Cli;
using XcpTunnel.Tests.EndToEnd.Peers;

namespace XcpTunnel.Tests.Cli;

/// <summary>
/// What the binary says when the command line is wrong: one line on stderr naming the option and exit 2, for every
/// command, never a stack trace; an unknown command or option gets the nearest real one.
/// </summary>
public sealed class UsageErrorTests
{
    /// <summary>Nothing in these runs may reach a pool: every URL is a closed port, every file missing.</summary>
    private const string Nowhere = "https://127.0.0.1:1";

    [Theory]
    [InlineData("--port: 'abc' is not a port number (1-65535)", "demo", "--port", "abc")]
    [InlineData("--port: '70000' is not a port number (1-65535)", "demo", "--port", "70000")]
    [InlineData("Required argument missing for option: '--config'", "serve", "--config")]
    [InlineData("--listen: 'nonsense' has no port", "connect", "web01", "--url", Nowhere, "--user", "root", "--insecure", "--listen", "nonsense")]
    [InlineData("Option '--url' is required", "connect", "web01", "--user", "root")]
    [InlineData("unknown option '--jsn'; did you mean --json?", "vms", "--jsn")]
    [InlineData("unknown option '--bogus'", "check", "--bogus")]
    [InlineData("--write needs --pool POOL", "trust", Nowhere, "--write")]
    [InlineData("'ftp://x' is not an https URL", "trust", "ftp://x")]
    [InlineData("--timeout: 'soon' is not a positive number", "snapshot", "127.0.0.1:1", "x.png", "--timeout", "soon")]
    [InlineData("TARGET ", "snapshot", "127.0.0.1:notaport", "x.png")]
    public async Task BadOptionValue_ExitsTwoWithOneLineNamingIt(string expected, params string[] arguments)
    {
        var result = await CliPool.RunAsync(arguments);

        Assert.True(result.ExitCode == 2, result.Describe("expected exit code 2"));
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => !l.Contains("warning", StringComparison.Ordinal));
        Assert.StartsWith("xcptunnel", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.Empty(result.StandardOutput);
    }

    [Fact]
    public async Task SeveralBadValues_AreToldAtOnce_OneLineEachNamingItsOption()
    {
        var result = await CliPool.RunAsync("connect", "web01", "--url", "http://x", "--user", "root", "--transport", "soap", "--fingerprint", "zz");

        Assert.True(result.ExitCode == 2, result.Describe("expected exit code 2"));
        Assert.Equal(
            [
                "xcptunnel connect: --url: 'http://x' is not an absolute https URL (https://host[:port])",
                "xcptunnel connect: --fingerprint: 'zz' is not a SHA-256 fingerprint (expected 64 hex digits, colons optional)",
                "xcptunnel connect: --transport: 'soap' is not one of auto, jsonrpc, xmlrpc (see xcptunnel connect --help)",
            ],
            result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Empty(result.StandardOutput);
    }

    [Fact]
    public async Task Probe_BadThresholds_AreOneNagiosUnknownLineNamingEach()
    {
        var result = await CliPool.RunAsync("probe", "127.0.0.1:1", "--warning-ms", "soon", "--critical-ms", "-1");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal(
            "XCPTUNNEL UNKNOWN - xcptunnel probe: --warning-ms: 'soon' is not a non-negative number; --critical-ms: '-1' is not a non-negative number",
            result.StandardOutput.TrimEnd('\n'));
    }

    [Fact]
    public async Task Probe_BadOptionValue_IsOneNagiosUnknownLine()
    {
        var result = await CliPool.RunAsync("probe", "127.0.0.1:1", "--warning-ms");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal(
            "XCPTUNNEL UNKNOWN - xcptunnel probe: Required argument missing for option: '--warning-ms'",
            result.StandardOutput.TrimEnd('\n'));
    }

    [Theory]
    [InlineData("vm", "'vm' is not a command; did you mean vms?")]
    [InlineData("chekc", "'chekc' is not a command; did you mean check?")]
    [InlineData("snap", "'snap' is not a command; did you mean snapshot?")]
    [InlineData("start", "'start' is not a command; the commands are serve, demo, connect, vms, check, trust, probe, snapshot")]
    public async Task UnknownCommand_SuggestsARealOne(string typed, string expected)
    {
        var result = await CliPool.RunAsync(typed);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"xcptunnel: {expected} (see xcptunnel --help)", result.StandardError.TrimEnd('\n'));
        Assert.Empty(result.StandardOutput);
    }

    [Fact]
    public async Task NoCommand_NamesTheCommandsAndWhereToStart()
    {
        var result = await CliPool.RunAsync();

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no command given", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("try: xcptunnel demo", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--jsno", "--json")]
    [InlineData("--al", "--all")]
    [InlineData("cehck", "check")]
    [InlineData("zzzzzz", null)]
    public void Nearest_FindsPrefixesAndSmallSlips(string typed, string? expected) =>
        Assert.Equal(expected, UsageErrors.Nearest(typed, ["--json", "--all", "--pool", "check", "connect", "serve"]));
}
