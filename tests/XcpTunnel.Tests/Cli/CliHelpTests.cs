using System.Text;
using XcpTunnel.Cli;

namespace XcpTunnel.Tests.Cli;

public sealed class CliHelpTests
{
    [Theory]
    [InlineData("serve")]
    [InlineData("demo")]
    [InlineData("connect")]
    [InlineData("vms")]
    [InlineData("check")]
    [InlineData("trust")]
    [InlineData("probe")]
    [InlineData("snapshot")]
    public async Task Help_EveryCommand_DescribesItselfWithExamplesAndExitCodes(string command)
    {
        var result = await CliPool.RunAsync(command, "--help");

        Assert.True(result.ExitCode == 0, result.Describe("--help failed"));
        Assert.Contains("Examples:", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"xcptunnel {command}", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Exit codes:", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_Root_OneLinePerCommandAndWhereToStart()
    {
        var result = await CliPool.RunAsync("--help");

        Assert.True(result.ExitCode == 0, result.Describe("--help failed"));
        foreach (var command in new[] { "serve", "demo", "connect", "vms", "check", "trust", "probe", "snapshot" })
        {
            Assert.Single(result.StandardOutput.Split('\n'), line => line.TrimStart().StartsWith(command, StringComparison.Ordinal));
        }

        Assert.DoesNotContain("Examples:", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("xcptunnel demo", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Exit codes:", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_PrintsTheVersion()
    {
        var result = await CliPool.RunAsync("--version");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", result.StandardOutput);
    }

    [Fact]
    public void CheckReport_OutputWithoutUnicode_UsesAsciiMarks()
    {
        using var output = new Latin1Writer();
        var report = new CheckReport(output);

        report.Pass("pool lab: logged in");
        report.Fail("tunnel web: VM 'web01' is Halted");
        report.Warn("pool dev: certificate NOT verified");

        Assert.Equal(
            ["OK   pool lab: logged in", "FAIL tunnel web: VM 'web01' is Halted", "WARN pool dev: certificate NOT verified"],
            output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private sealed class Latin1Writer : StringWriter
    {
        public override Encoding Encoding => Encoding.Latin1;
    }
}
