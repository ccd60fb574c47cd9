using System.Net;
using XcpTunnel.AutoTunnels;
using XcpTunnel.Configuration;
using XcpTunnel.Protocol.Xapi.Records;

namespace XcpTunnel.Tests.AutoTunnels;

public sealed class AutoTunnelPlanTests
{
    private readonly Dictionary<string, AutoTunnelEntry> _state = new(StringComparer.Ordinal);

    [Fact]
    public void Update_MatchingVms_GetTheLowestFreePortsInNameOrder_AndKeepThem()
    {
        var plan = Update(Auto(5901, 5910), [Vm("b", "web02", "console"), Vm("a", "web01", "console"), Vm("c", "db", "other")]);

        Assert.Equal([("web01", "127.0.0.1:5901"), ("web02", "127.0.0.1:5902")], plan.Tunnels.Select(t => (t.VmDisplay, t.ListenText)).Order());
        var again = Update(Auto(5901, 5910), [Vm("0", "aaa-new", "console"), Vm("b", "web02", "console"), Vm("a", "web01", "console")]);

        Assert.Equal(["127.0.0.1:5901", "127.0.0.1:5902", "127.0.0.1:5903"], again.Tunnels.Select(t => t.ListenText).Order());
        Assert.Equal("127.0.0.1:5903", again.Tunnels.Single(t => t.VmDisplay == "aaa-new").ListenText);
    }

    [Fact]
    public void Update_UntaggedVmKeepsItsPort_DeletedVmFreesIt_RenamedVmKeepsIt()
    {
        Update(Auto(5901, 5903), [Vm("a", "web01", "console"), Vm("b", "web02", "console"), Vm("c", "web03", "console")]);

        var plan = Update(Auto(5901, 5903), [Vm("a", "web01"), Vm("b", "renamed", "console"), Vm("d", "newcomer", "console")]);

        Assert.Equal(
            [("newcomer", "127.0.0.1:5903"), ("renamed", "127.0.0.1:5902")],
            plan.Tunnels.Select(t => (t.VmDisplay, t.ListenText)).Order());
        Assert.Equal(5901, _state["a"].Port);
        Assert.False(_state["a"].Tunnel);
        Assert.False(_state.ContainsKey("c"));
    }

    [Fact]
    public void Update_RangeFull_NamesTheVmsLeftOut_UntilAPortIsFreed()
    {
        var plan = Update(Auto(5901, 5902), [Vm("a", "web01", "console"), Vm("b", "web02", "console"), Vm("c", "web03", "console")]);

        Assert.Equal(["web03"], plan.Unplaced);
        Assert.Equal(2, plan.Tunnels.Count);

        var freed = Update(Auto(5901, 5902), [Vm("b", "web02", "console"), Vm("c", "web03", "console")]);

        Assert.Empty(freed.Unplaced);
        Assert.Equal("127.0.0.1:5901", freed.Tunnels.Single(t => t.VmDisplay == "web03").ListenText);
    }

    [Fact]
    public void Update_HandWrittenTunnelNamesTheVm_TakesPrecedence()
    {
        TunnelSettings handWritten = new("mine", "LAB", "web01", [new IPEndPoint(IPAddress.Loopback, 6000)], "127.0.0.1:6000", false, 16, null);

        var plan = AutoTunnelPlan.Update(Auto(5901, 5910), [handWritten], [Vm("a", "web01", "console"), Vm("b", "web02", "console")], _state, true, out _);

        Assert.Equal(["web02"], plan.Tunnels.Select(t => t.VmDisplay));
    }

    [Fact]
    public void Update_PoolNotInStep_TheStateStands_AndANarrowedRangeMovesPortsIntoIt()
    {
        Update(Auto(5901, 5910), [Vm("a", "web01", "console"), Vm("b", "web02", "console")]);

        var plan = AutoTunnelPlan.Update(Auto(5902, 5910), [], vms: null, _state, assignPorts: true, out var changed);

        Assert.True(changed);
        Assert.Equal([("web01", "127.0.0.1:5903"), ("web02", "127.0.0.1:5902")], plan.Tunnels.Select(t => (t.VmDisplay, t.ListenText)).Order());
    }

    [Fact]
    public void Update_TemplatesSnapshotsAndDom0_NeverMatch()
    {
        var plan = Update(Auto(5901, 5910), [Vm("a", "t", "console") with { IsTemplate = true }, Vm("b", "s", "console") with { IsSnapshot = true },
            Vm("c", "dom0", "console") with { IsControlDomain = true }]);

        Assert.Empty(plan.Tunnels);
        Assert.Empty(_state);
    }

    private AutoTunnelPlan Update(AutoTunnelSettings auto, IReadOnlyList<VmRecord> vms) =>
        AutoTunnelPlan.Update(auto, [], vms, _state, assignPorts: true, out _);

    private static AutoTunnelSettings Auto(int first, int last) => new(
        "lab",
        VmMatch.Read(["tag:console"], "Match", new ConfigDiagnostics())!,
        new PortRange(first, last),
        SocketDirectory: null,
        "127.0.0.1",
        new TunnelSettings("lab.auto", "lab", "*", [new IPEndPoint(IPAddress.Loopback, first)], "127.0.0.1:" + first, false, 16, null));

    private static VmRecord Vm(string uuid, string name, params string[] tags) =>
        new("OpaqueRef:" + uuid, uuid, name, "Running", "OpaqueRef:NULL", [], false, false, false) { Tags = tags };
}
