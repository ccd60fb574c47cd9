using XcpTunnel.Systemd;

namespace XcpTunnel.Tests.Systemd;

public sealed class ListenFdsTests
{
    private const int Pid = 4242;

    [Fact]
    public void Parse_NoVariables_IsNoActivationAndNoProblem()
    {
        var result = ListenFds.Parse(Env(), Pid);

        Assert.Empty(result.Fds);
        Assert.Empty(result.Problems);
    }

    [Fact]
    public void Parse_NamedFdsForThisProcess_StartAtThreeInOrder()
    {
        var result = ListenFds.Parse(Env(("LISTEN_PID", "4242"), ("LISTEN_FDS", "3"), ("LISTEN_FDNAMES", "web01:db01:db01")), Pid);

        Assert.Equal([new PassedFd(3, "web01"), new PassedFd(4, "db01"), new PassedFd(5, "db01")], result.Fds);
        Assert.Empty(result.Problems);
    }

    [Fact]
    public void Parse_NoNames_EveryFdIsUnknownAsSystemdNamesThem()
    {
        var result = ListenFds.Parse(Env(("LISTEN_PID", "4242"), ("LISTEN_FDS", "2")), Pid);

        Assert.Equal([new PassedFd(3, "unknown"), new PassedFd(4, "unknown")], result.Fds);
        Assert.Empty(result.Problems);
    }

    [Theory]
    [InlineData("4243")]
    [InlineData("")]
    [InlineData("not-a-pid")]
    public void Parse_PidOfAnotherProcess_TakesNothingAndSaysWhy(string pid)
    {
        var result = ListenFds.Parse(Env(("LISTEN_PID", pid), ("LISTEN_FDS", "1"), ("LISTEN_FDNAMES", "web01")), Pid);

        Assert.Empty(result.Fds);
        Assert.Contains("is not this process (4242)", Assert.Single(result.Problems));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("two")]
    [InlineData("99999")]
    public void Parse_CountNotANumberOfFds_TakesNothingAndSaysWhy(string count)
    {
        var result = ListenFds.Parse(Env(("LISTEN_PID", "4242"), ("LISTEN_FDS", count)), Pid);

        Assert.Empty(result.Fds);
        Assert.Contains("LISTEN_FDS=", Assert.Single(result.Problems));
    }

    [Fact]
    public void Parse_FewerNamesThanFds_TheRestAreUnknownAndThatIsReported()
    {
        var result = ListenFds.Parse(Env(("LISTEN_PID", "4242"), ("LISTEN_FDS", "3"), ("LISTEN_FDNAMES", "web01")), Pid);

        Assert.Equal([new PassedFd(3, "web01"), new PassedFd(4, "unknown"), new PassedFd(5, "unknown")], result.Fds);
        Assert.Equal("LISTEN_FDNAMES has 1 name(s) for 3 descriptor(s); the last 2 are 'unknown'", Assert.Single(result.Problems));
    }

    [Fact]
    public void Parse_MoreNamesThanFds_ExtraNamesAreIgnoredAndReported()
    {
        var result = ListenFds.Parse(Env(("LISTEN_PID", "4242"), ("LISTEN_FDS", "1"), ("LISTEN_FDNAMES", "web01:db01")), Pid);

        Assert.Equal([new PassedFd(3, "web01")], result.Fds);
        Assert.Contains("the extra names are ignored", Assert.Single(result.Problems));
    }

    [Fact]
    public void Parse_EmptyNameInTheList_IsUnknown()
    {
        var result = ListenFds.Parse(Env(("LISTEN_PID", "4242"), ("LISTEN_FDS", "2"), ("LISTEN_FDNAMES", ":db01")), Pid);

        Assert.Equal([new PassedFd(3, "unknown"), new PassedFd(4, "db01")], result.Fds);
    }

    private static Dictionary<string, string?> Env(params (string Name, string Value)[] variables) =>
        variables.ToDictionary(v => v.Name, v => (string?)v.Value);
}
