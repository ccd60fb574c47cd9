using XcpTunnel.AutoTunnels;
using XcpTunnel.Tests.EndToEnd.Peers;

namespace XcpTunnel.Tests.AutoTunnels;

public sealed class AutoTunnelStateTests : IDisposable
{
    private readonly TemporaryDirectory _dir = TemporaryDirectory.Create("xcptunnel-state-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void SaveThenLoad_KeepsEveryVm_OwnerOnly_NoTemporaryFileLeft()
    {
        var path = AutoTunnelState.PathFor(_dir.Path, "lab");
        var state = AutoTunnelState.Load(path);
        Assert.Empty(state.Vms);
        state.Vms["0b6e6c0e-4c6b-4d3a-9e1f-6a2b3c4d5e6f"] = new AutoTunnelEntry { Name = "web01", Port = 5901, Tunnel = true };
        state.Vms["1b6e6c0e-4c6b-4d3a-9e1f-6a2b3c4d5e6f"] = new AutoTunnelEntry { Name = "db", Port = 5902, Tunnel = false };

        state.Save();
        var loaded = AutoTunnelState.Load(path);

        Assert.Equal(state.Vms.OrderBy(v => v.Key), loaded.Vms.OrderBy(v => v.Key));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal([path], Directory.GetFiles(_dir.Path));
    }

    [Theory]
    [InlineData("{ \"vms\": { \"a\": { \"name\": \"web01\", \"port\": 5901", "not a valid state file (")]
    [InlineData("{ \"vms\": { \"a\": { \"name\": \"web01\", \"port\": 5901 }, \"b\": { \"name\": \"web02\", \"port\": 5901 } } }", "(port 5901 is given to both VM a and VM b)")]
    [InlineData("{ \"vms\": { \"a\": { \"name\": \"web01\", \"port\": 70000 } } }", "(the entry of VM a is incomplete or its port is not 1-65535)")]
    [InlineData("[]", "not a valid state file (")]
    public void Load_CorruptFile_SaysWhatToDo_AndLeavesItAsItIs(string content, string expected)
    {
        var path = AutoTunnelState.PathFor(_dir.Path, "lab");
        File.WriteAllText(path, content);

        var error = Assert.Throws<AutoTunnelStateException>(() => AutoTunnelState.Load(path));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith(path + " is not a valid state file", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("mend it, or move it away to give every VM a new port", error.Message, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllText(path));
    }
}
