using Microsoft.Extensions.Time.Testing;
using XcpTunnel.Access;
using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Protocol.Rfb.Server;
using XcpTunnel.Tests.Support;
using XcpTunnel.Tunnels;

namespace XcpTunnel.Tests.Tunnels;

/// <summary>Who may open a tunnel, and what the others are told: the allow list and the VNC password.</summary>
public sealed class TunnelAccessTests
{
    [Fact]
    public async Task AllowUsers_WithoutThisUser_RefusedInRfbAndLoggedWithUidAndUser_CostsThePoolNothing()
    {
        await using var fixture = await TunnelFixture.StartAsync();
        fixture.Pool.AddVm("web01");
        var tunnel = fixture.StartTunnel("web01", configure: t => t with { AllowUsers = List("nobody") });
        await using var viewer = await fixture.ViewerAsync(tunnel);

        var reason = await viewer.RefusalAsync();

        Assert.Equal($"user '{Environment.UserName}' may not open tunnel 't1'", reason);
        var logged = await fixture.WaitForLogAsync("refused a viewer (access_denied)");
        Assert.Contains($"uid {CurrentUser.Uid} ({Environment.UserName}) from 127.0.0.1:", logged, StringComparison.Ordinal);
        Assert.Contains("may not open tunnel t1 (VM web01)", logged, StringComparison.Ordinal);
        Assert.Equal(TunnelOutcome.AccessDenied, await fixture.NextOutcomeAsync());
        Assert.Equal((0, 0), fixture.PoolCost);
    }

    [Fact]
    public async Task AllowUsers_WithThisUser_Admitted()
    {
        await using var fixture = await TunnelFixture.StartAsync();
        fixture.Pool.AddVm("web01");
        var tunnel = fixture.StartTunnel("web01", configure: t => t with { AllowUsers = List("nobody", Environment.UserName) });
        await using var viewer = await fixture.ViewerAsync(tunnel);

        Assert.True((await viewer.ConnectAsync()).Admitted);
    }

    [Theory]
    [InlineData(3, 3)]
    [InlineData(3, 8)]
    public async Task VncPassword_Right_Admitted(int major, int minor)
    {
        await using var fixture = await TunnelFixture.StartAsync();
        fixture.Pool.AddVm("web01");
        var tunnel = fixture.StartTunnel("web01", configure: WithPassword("s3cret"));
        await using var viewer = await fixture.ViewerAsync(tunnel);

        var outcome = await viewer.ConnectAsync(new RfbProtocolVersion(major, minor), password: "s3cret");

        Assert.Equal([(byte)RfbSecurityType.VncAuthentication], outcome.Offered);
        Assert.True(outcome.Admitted);
    }

    [Fact]
    public async Task VncPassword_Wrong_ToldAfterTheDelay_CostsThePoolNothing()
    {
        await using var fixture = await TunnelFixture.StartAsync();
        fixture.Pool.AddVm("web01");
        var clock = new FakeTimeProvider();
        fixture.Time = clock;
        var tunnel = fixture.StartTunnel("web01", configure: WithPassword("s3cret"));
        await using var viewer = await fixture.ViewerAsync(tunnel);

        var connecting = viewer.ConnectAsync(RfbProtocolVersion.V3_8, password: "guess");
        var waited = await FakeClock.AdvanceUntilDoneAsync(clock, connecting, TimeSpan.FromMilliseconds(250));

        Assert.Equal("wrong VNC password", (await connecting).Refusal);
        Assert.True(waited >= TimeSpan.FromSeconds(2), $"told after {waited}");
        Assert.Equal(TunnelOutcome.AuthenticationFailed, await fixture.NextOutcomeAsync());
        Assert.Equal((0, 0), fixture.PoolCost);
    }

    private static AllowList List(params string[] entries) =>
        AllowList.Parse(entries, UserDirectory.Default, out var errors) ?? throw new InvalidOperationException(string.Join("; ", errors));

    private static Func<XcpTunnel.Configuration.TunnelSettings, XcpTunnel.Configuration.TunnelSettings> WithPassword(string password) =>
        t => t with { ViewerSecurity = RfbViewerSecurity.VncAuthentication(new RfbPassword(password)) };
}
