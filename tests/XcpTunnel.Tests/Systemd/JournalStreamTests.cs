using XcpTunnel.Systemd;

namespace XcpTunnel.Tests.Systemd;

public sealed class JournalStreamTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void IsConnected_JournalStreamNamesTheSocketOnStdoutOrStderr_True(int fd)
    {
        Assert.True(JournalStream.IsConnected(Env("8:4711"), n => n == fd ? "socket:[4711]" : "pipe:[12]"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("8")]
    [InlineData("8:x")]
    [InlineData("8:4712")]
    public void IsConnected_UnsetMalformedOrAnotherSocket_False(string? value)
    {
        // An inherited JOURNAL_STREAM whose socket is no longer ours (output redirected) must not switch formats.
        Assert.False(JournalStream.IsConnected(Env(value), _ => "socket:[4711]"));
    }

    private static Dictionary<string, string?> Env(string? journalStream) =>
        journalStream is null ? [] : new() { ["JOURNAL_STREAM"] = journalStream };
}
