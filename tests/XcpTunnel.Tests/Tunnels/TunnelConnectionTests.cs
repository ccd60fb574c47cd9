using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Protocol.Tls;
using XcpTunnel.Simulator;
using XcpTunnel.Tests.Support;
using XcpTunnel.Tunnels;

namespace XcpTunnel.Tests.Tunnels;

/// <summary>A viewer through a tunnel to the simulated pool: what it sees when things work and when they do not.</summary>
public sealed class TunnelConnectionTests
{
    public static TheoryData<RfbProtocolVersion> ViewerVersions => [RfbProtocolVersion.V3_3, RfbProtocolVersion.V3_7, RfbProtocolVersion.V3_8];

    [Fact]
    public async Task Connect_QemuConsole_TheTunnelGreetsAndTheViewerGetsTheConsolesServerInit()
    {
        await using var fixture = await TunnelFixture.StartAsync(hosts: 2);
        fixture.Pool.AddVm("web01", residentOn: fixture.Pool.Hosts[1], backend: ConsoleBackend.Qemu(width: 800, height: 600));
        var tunnel = fixture.StartTunnel("web01");
        await using var viewer = await fixture.ViewerAsync(tunnel);

        var outcome = await viewer.ConnectAsync();

        Assert.Equal(RfbProtocolVersion.V3_8, outcome.Server);
        Assert.Equal([(byte)RfbSecurityType.None], outcome.Offered);
        Assert.Equal((800, 600, "QEMU (web01)"), outcome.Init);
    }

    [Theory]
    [MemberData(nameof(ViewerVersions))]
    public async Task Connect_VnctermConsoleThatSpeaksOnly33_EveryViewerVersionWorks(RfbProtocolVersion version)
    {
        await using var fixture = await TunnelFixture.StartAsync();
        fixture.Pool.AddVm("pv01", backend: ConsoleBackend.Vncterm());
        var tunnel = fixture.StartTunnel("pv01");
        await using var viewer = await fixture.ViewerAsync(tunnel);

        var outcome = await viewer.ConnectAsync(reply: version);

        Assert.Equal((640, 384, "XenServer Virtual Terminal"), outcome.Init);
    }

    [Theory]
    [MemberData(nameof(ViewerVersions))]
    public async Task Connect_QemuConsole_EveryViewerVersionWorks(RfbProtocolVersion version)
    {
        await using var fixture = await TunnelFixture.StartAsync();
        fixture.Pool.AddVm("web01", backend: ConsoleBackend.Qemu(width: 800, height: 600));
        var tunnel = fixture.StartTunnel("web01");
        await using var viewer = await fixture.ViewerAsync(tunnel);

        var outcome = await viewer.ConnectAsync(reply: version);

        Assert.Equal((800, 600, "QEMU (web01)"), outcome.Init);
    }

    [Theory]
    [MemberData(nameof(ViewerVersions))]
    public async Task Connect_HaltedVm_EveryViewerVersionReadsWhy(RfbProtocolVersion version)
    {
        await using var fixture = await TunnelFixture.StartAsync();
        fixture.Pool.AddVm("web01", powerState: SimulatedPowerState.Halted);
        var tunnel = fixture.StartTunnel("web01");
        await using var viewer = await fixture.ViewerAsync(tunnel);

        Assert.Equal("VM 'web01' is Halted", await viewer.RefusalAsync(version));
        Assert.True(await viewer.IsClosedAsync());
    }

    [Fact]
    public async Task Connect_Refused38Viewer_IsOfferedNoneThenAFailedSecurityResultWithTheReason()
    {
        // The one form gtk-vnc reads right: not "zero security types", which it misreads.
        await using var fixture = await TunnelFixture.StartAsync();
        fixture.Pool.AddVm("web01", powerState: SimulatedPowerState.Halted);
        var tunnel = fixture.StartTunnel("web01");
        await using var viewer = await fixture.ViewerAsync(tunnel);

        var outcome = await viewer.ConnectAsync(RfbProtocolVersion.V3_8);

        Assert.Equal([(byte)RfbSecurityType.None], outcome.Offered);
        Assert.Equal("VM 'web01' is Halted", outcome.Refusal);
    }

    [Fact]
    public async Task Connect_MissingVm_ViewerReadsWhy()
    {
        await using var fixture = await TunnelFixture.StartAsync();

        Assert.Equal("no VM named 'ghost' in pool lab", await FailureReasonAsync(fixture, "ghost"));
    }

    [Fact]
    public async Task Connect_AmbiguousName_ViewerReadsTheUuids()
    {
        await using var fixture = await TunnelFixture.StartAsync();
        var a = fixture.Pool.AddVm("web");
        var b = fixture.Pool.AddVm("web");

        var reason = await FailureReasonAsync(fixture, "web");

        Assert.Contains("matches 2 VMs", reason, StringComparison.Ordinal);
        Assert.Contains(a.Uuid, reason, StringComparison.Ordinal);
        Assert.Contains(b.Uuid, reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_LoginFails_ViewerReadsWhy()
    {
        await using var fixture = await TunnelFixture.StartAsync();
        fixture.Pool.AddVm("web01");
        fixture.UsePool(fixture.PoolOptions(password: "wrong"));

        var reason = await FailureReasonAsync(fixture, "web01");

        Assert.StartsWith("XAPI login failed for root on lab", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_CertificateMismatch_ViewerReadsWhy()
    {
        await using var fixture = await TunnelFixture.StartAsync();
        fixture.Pool.AddVm("web01");
        using var impostor = TestCertificates.SelfSigned("impostor");
        fixture.UsePool(fixture.PoolOptions(trust: TlsTrustPolicy.Pinned([CertificateFingerprint.Of(impostor)])));

        var reason = await FailureReasonAsync(fixture, "web01");

        Assert.Contains("certificate of 127.0.0.1 does not match the pinned fingerprint", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_ConsoleInUse_ViewerReadsWhy()
    {
        await using var fixture = await TunnelFixture.StartAsync();
        fixture.Pool.AddVm("web01");
        fixture.Pool.LimitConsoleSessions = true;
        var tunnel = fixture.StartTunnel("web01");
        await using var first = await fixture.ViewerAsync(tunnel);
        Assert.True((await first.ConnectAsync()).Admitted);

        await using var second = await fixture.ViewerAsync(tunnel);

        Assert.StartsWith("console in use by another viewer", await second.RefusalAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_PoolUnreachable_ViewerReadsWhy()
    {
        await using var fixture = await TunnelFixture.StartAsync();
        fixture.UsePool(fixture.PoolOptions(url: new Uri($"https://127.0.0.1:{TestPorts.Free()}")));

        var reason = await FailureReasonAsync(fixture, "web01");

        Assert.Contains("refused the connection", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_ConsoleReplyTooSlow_ViewerReadsTheTimeout()
    {
        await using var fixture = await TunnelFixture.StartAsync();
        fixture.Pool.AddVm("web01");
        fixture.Timeouts = fixture.Timeouts with { ConnectReply = TimeSpan.FromMilliseconds(300) };
        fixture.Pool.Faults.ConnectDelay = TimeSpan.FromSeconds(3);

        var reason = await FailureReasonAsync(fixture, "web01");

        Assert.Contains("did not answer the console CONNECT within 0.3 s", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_BackendGone_ViewerReadsWhy()
    {
        await using var fixture = await TunnelFixture.StartAsync();
        fixture.Pool.AddVm("web01");
        fixture.Pool.Faults.BackendUnavailable = true;

        var reason = await FailureReasonAsync(fixture, "web01");

        Assert.Contains("VNC server closed the connection at once", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_MigrationRace500_RetriedAfterResolvingAgain()
    {
        await using var fixture = await TunnelFixture.StartAsync(hosts: 2);
        fixture.Pool.AddVm("web01");
        fixture.Pool.Faults.FailNextConnects(500);
        var tunnel = fixture.StartTunnel("web01");
        await using var viewer = await fixture.ViewerAsync(tunnel);

        Assert.True((await viewer.ConnectAsync()).Admitted);
    }

    [Fact]
    public async Task Connect_ManyViewers_OneXapiSession()
    {
        await using var fixture = await TunnelFixture.StartAsync(hosts: 2);
        fixture.Pool.AddVm("web01", residentOn: fixture.Pool.Hosts[1]);
        var tunnel = fixture.StartTunnel("web01", maxConnections: 64);

        var viewers = await Task.WhenAll(Enumerable.Range(0, 30).Select(async _ =>
        {
            var viewer = await fixture.ViewerAsync(tunnel);
            Assert.True((await viewer.ConnectAsync()).Admitted);
            return viewer;
        })).Bounded();
        foreach (var viewer in viewers)
        {
            await viewer.DisposeAsync();
        }

        Assert.Equal(1, fixture.Pool.Counters.Logins);
        Assert.Equal(1, fixture.Pool.Counters.LiveSessions);
    }

    [Fact]
    public async Task Connect_BeyondTheCap_ToldTheLimitAndOthersUnaffected()
    {
        await using var fixture = await TunnelFixture.StartAsync();
        fixture.Pool.AddVm("web01");
        var tunnel = fixture.StartTunnel("web01", maxConnections: 1);
        await using var first = await fixture.ViewerAsync(tunnel);
        Assert.True((await first.ConnectAsync()).Admitted);

        await using var second = await fixture.ViewerAsync(tunnel);

        Assert.Equal("tunnel 't1' already has 1 viewers, its limit", await second.RefusalAsync());
        Assert.Equal(4, (await ViewerTraffic.FirstPixelAsync(first)).Length);
    }

    [Fact]
    public async Task Connect_SecondViewerAsksNotToShare_PassedToTheConsoleWhichDropsTheFirst()
    {
        // qemu disconnects every other viewer on shared-flag 0: seeing that happen shows the flag was passed on.
        await using var fixture = await TunnelFixture.StartAsync();
        fixture.Pool.AddVm("web01");
        var tunnel = fixture.StartTunnel("web01");
        await using var first = await fixture.ViewerAsync(tunnel);
        Assert.True((await first.ConnectAsync(shared: true)).Admitted);

        await using var second = await fixture.ViewerAsync(tunnel);
        Assert.True((await second.ConnectAsync(shared: false)).Admitted);

        Assert.True(await first.IsClosedAsync());
    }

    [Fact]
    public async Task Connect_GarbageViewer_CostsOnlyItsConnectionAndNothingOfThePool()
    {
        await using var fixture = await TunnelFixture.StartAsync();
        fixture.Pool.AddVm("web01");
        var tunnel = fixture.StartTunnel("web01");
        await using var hostile = await fixture.ViewerAsync(tunnel);
        await hostile.ReadServerVersionAsync();

        await hostile.SendRawAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n" + new string('A', 4096));

        Assert.True(await hostile.IsClosedAsync());
        Assert.Equal(TunnelOutcome.ViewerProtocolError, await fixture.NextOutcomeAsync());
        Assert.Equal((0, 0), fixture.PoolCost);
        await using var next = await fixture.ViewerAsync(tunnel);
        Assert.True((await next.ConnectAsync()).Admitted);
    }

    [Fact]
    public async Task Close_LogsOneLineWithIdVmHostBytesAndOutcome()
    {
        await using var fixture = await TunnelFixture.StartAsync(hosts: 2);
        fixture.Pool.AddVm("web01", residentOn: fixture.Pool.Hosts[1]);
        var tunnel = fixture.StartTunnel("web01");
        await using (var viewer = await fixture.ViewerAsync(tunnel))
        {
            await ViewerTraffic.FirstPixelAsync(viewer, connect: true);
        }

        var closed = await fixture.WaitForLogAsync("closed: tunnel t1");

        Assert.Matches(
            @"Connection c\d+ closed: tunnel t1, viewer uid \d+ \(\S+\) from 127\.0\.0\.1:\d+, VM web01, host 127\.0\.0\.2:\d+, \d+ ms, [1-9]\d* bytes in, [1-9]\d* bytes out, outcome viewer_closed",
            closed);
    }

    private static async Task<string> FailureReasonAsync(TunnelFixture fixture, string vm)
    {
        var tunnel = fixture.StartTunnel(vm);
        await using var viewer = await fixture.ViewerAsync(tunnel);
        var outcome = await viewer.ConnectAsync();
        Assert.Equal(RfbProtocolVersion.V3_8, outcome.Server);
        Assert.False(outcome.Admitted, $"expected a failure, got {outcome}");
        Assert.True(await viewer.IsClosedAsync());
        return outcome.Refusal!;
    }
}
