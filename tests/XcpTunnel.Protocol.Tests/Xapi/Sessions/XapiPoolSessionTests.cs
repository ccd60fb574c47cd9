using XcpTunnel.Protocol.Tests.Support;
using XcpTunnel.Protocol.Tls;
using XcpTunnel.Protocol.Xapi;
using XcpTunnel.Protocol.Xapi.Rpc;
using XcpTunnel.Protocol.Xapi.Sessions;

namespace XcpTunnel.Protocol.Tests.Xapi.Sessions;

public sealed class XapiPoolSessionTests
{
    [Fact]
    public async Task Login_ThroughMember_RedirectedToCoordinator()
    {
        await using var fixture = await PoolFixture.StartAsync(hosts: 3);
        var member = fixture.Pool.Hosts[2];
        var session = fixture.Session(fixture.Options(url: member.Url));

        await session.GetVmsByNameLabelAsync("nothing", CancellationToken.None).Bounded();

        Assert.Equal(fixture.Pool.Coordinator.Url.Authority, session.CoordinatorUrl!.Authority);
        Assert.Equal(1, fixture.Pool.Counters.Logins);
    }

    [Fact]
    public async Task Login_AfterCoordinatorChange_FollowsHostIsSlave()
    {
        await using var fixture = await PoolFixture.StartAsync(hosts: 2);
        fixture.Pool.SetCoordinator(fixture.Pool.Hosts[1]);
        var session = fixture.Session(fixture.Options(url: fixture.Pool.Hosts[0].Url));

        await session.GetSessionAsync(CancellationToken.None).Bounded();

        Assert.Equal(fixture.Pool.Hosts[1].Url.Authority, session.CoordinatorUrl!.Authority);
    }

    [Fact]
    public async Task Call_200ConcurrentCallers_ExactlyOneLogin()
    {
        await using var fixture = await PoolFixture.StartAsync();
        fixture.Pool.AddVm("web01");
        // Slow RPCs keep the first login in flight while the other 199 callers arrive.
        fixture.Pool.Faults.RpcDelay = TimeSpan.FromMilliseconds(200);
        var session = fixture.Session();

        var calls = Enumerable.Range(0, 200)
            .Select(_ => Task.Run(() => session.GetVmsByNameLabelAsync("web01", CancellationToken.None)));
        var results = await Task.WhenAll(calls).Bounded();

        Assert.All(results, refs => Assert.Single(refs));
        Assert.Equal(1, fixture.Pool.Counters.Logins);
        Assert.Equal(1, session.Logins);
    }

    [Fact]
    public async Task Call_ExpiredSession_RenewedOnceTransparently()
    {
        await using var fixture = await PoolFixture.StartAsync();
        var vm = fixture.Pool.AddVm("web01");
        var session = fixture.Session();
        await session.GetVmsByNameLabelAsync("web01", CancellationToken.None).Bounded();

        fixture.Pool.ExpireAllSessions();
        var found = await session.GetVmByUuidAsync(vm.Uuid, CancellationToken.None).Bounded();

        Assert.Equal(vm.Ref, found);
        Assert.Equal(2, fixture.Pool.Counters.Logins);
        Assert.Equal(2, session.Logins);
    }

    [Fact]
    public async Task Call_ExpiredSessionManyCallers_OneRenewal()
    {
        await using var fixture = await PoolFixture.StartAsync();
        fixture.Pool.AddVm("web01");
        var session = fixture.Session();
        await session.GetSessionAsync(CancellationToken.None).Bounded();
        fixture.Pool.ExpireAllSessions();
        fixture.Pool.Faults.RpcDelay = TimeSpan.FromMilliseconds(100);

        await Task.WhenAll(Enumerable.Range(0, 50)
            .Select(_ => Task.Run(() => session.GetVmsByNameLabelAsync("web01", CancellationToken.None)))).Bounded();

        Assert.Equal(2, fixture.Pool.Counters.Logins);
    }

    [Fact]
    public async Task Login_WrongPassword_FailsClearlyAndIsNotRetriedInATightLoop()
    {
        await using var fixture = await PoolFixture.StartAsync();
        var session = fixture.Session(fixture.Options(password: "wrong"));

        var first = await Assert.ThrowsAsync<XapiLoginException>(() => session.GetSessionAsync(CancellationToken.None)).Bounded();
        var second = await Assert.ThrowsAsync<XapiLoginException>(() => session.GetSessionAsync(CancellationToken.None)).Bounded();

        Assert.StartsWith("XAPI login failed for root on lab: XAPI failure SESSION_AUTHENTICATION_FAILED", first.Message, StringComparison.Ordinal);
        Assert.Equal(first.Message, second.Message);
        Assert.Equal(1, fixture.Pool.Counters.FailedLogins);
    }

    [Fact]
    public async Task Login_FirstUrlUnreachable_TriesFallbacksInOrder()
    {
        await using var fixture = await PoolFixture.StartAsync();
        var dead = new Uri($"https://127.0.0.1:{TestPorts.Free()}");
        var options = fixture.Options(url: dead) with { FallbackUrls = [fixture.Pool.CoordinatorUrl] };
        var session = fixture.Session(options);

        await session.GetSessionAsync(CancellationToken.None).Bounded();

        Assert.Equal(fixture.Pool.CoordinatorUrl.Authority, session.CoordinatorUrl!.Authority);
    }

    [Fact]
    public async Task Login_NoUrlReachable_NamesTheFirstFailure()
    {
        await using var fixture = await PoolFixture.StartAsync();
        var options = fixture.Options(url: new Uri($"https://127.0.0.1:{TestPorts.Free()}")) with
        {
            FallbackUrls = [new Uri($"https://127.0.0.1:{TestPorts.Free()}")],
        };
        var session = fixture.Session(options);

        var error = await Assert.ThrowsAsync<XapiLoginException>(() => session.GetSessionAsync(CancellationToken.None)).Bounded();

        Assert.IsType<XapiTransportException>(error.InnerException);
        Assert.Contains("refused the connection", error.Message, StringComparison.Ordinal);
        Assert.Contains("1 other address(es) of the pool failed too", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_WrongCertificate_RefusedShowingTheFingerprint()
    {
        await using var fixture = await PoolFixture.StartAsync();
        using var other = TestCertificates.SelfSigned("impostor");
        var options = fixture.Options() with { Trust = TlsTrustPolicy.Pinned([CertificateFingerprint.Of(other)]) };
        var session = fixture.Session(options);

        var error = await Assert.ThrowsAsync<XapiLoginException>(() => session.GetSessionAsync(CancellationToken.None)).Bounded();

        var trust = Assert.IsType<CertificateTrustException>(error.InnerException);
        var presented = CertificateFingerprint.Of(fixture.Pool.Coordinator.Certificate);
        Assert.Equal(presented, trust.Presented);
        Assert.Contains(presented.ToString(), error.Message, StringComparison.Ordinal);
        // No login was tried: calling it a login failure would send the reader to the password.
        Assert.StartsWith("pool lab: certificate of 127.0.0.1 does not match the pinned fingerprint", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("login failed", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, fixture.Pool.Counters.Logins);
    }

    [Theory]
    [InlineData(false, true, XapiTransport.Auto)]
    [InlineData(true, false, XapiTransport.Auto)]
    [InlineData(true, true, XapiTransport.XmlRpc)]
    [InlineData(true, true, XapiTransport.JsonRpc)]
    public async Task Call_HostSpeakingOneTransport_Works(bool jsonRpc, bool xmlRpc, XapiTransport transport)
    {
        await using var fixture = await PoolFixture.StartAsync();
        fixture.Pool.Coordinator.JsonRpcEnabled = jsonRpc;
        fixture.Pool.Coordinator.XmlRpcEnabled = xmlRpc;
        var vm = fixture.Pool.AddVm("web01");
        var session = fixture.Session(fixture.Options(transport: transport));

        var record = await session.GetVmRecordAsync(await session.GetVmByUuidAsync(vm.Uuid, CancellationToken.None), CancellationToken.None).Bounded();

        Assert.Equal("web01", record.NameLabel);
        Assert.Equal("Running", record.PowerState);
        Assert.Equal(vm.ResidentOn!.Ref, record.ResidentOn);
    }

    [Fact]
    public async Task Call_JsonRpcOnlyWhenHostLacksIt_FailsWithoutFallbackSayingWhy()
    {
        await using var fixture = await PoolFixture.StartAsync();
        fixture.Pool.Coordinator.JsonRpcEnabled = false;
        var session = fixture.Session(fixture.Options(transport: XapiTransport.JsonRpc));

        var error = await Assert.ThrowsAsync<XapiLoginException>(() => session.GetSessionAsync(CancellationToken.None)).Bounded();

        Assert.Equal(XapiTransportFailure.WrongTransport, Assert.IsType<XapiTransportException>(error.InnerException).Failure);
        Assert.Contains("does not speak JSON-RPC", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, fixture.Pool.Counters.Calls("session.login_with_password"));
    }

    [Fact]
    public async Task Dispose_LogsOut()
    {
        await using var fixture = await PoolFixture.StartAsync();
        var session = new XapiPoolSession(fixture.Options());
        await session.GetSessionAsync(CancellationToken.None).Bounded();
        Assert.Equal(1, fixture.Pool.Counters.LiveSessions);

        await session.DisposeAsync().Bounded();

        Assert.Equal(1, fixture.Pool.Counters.Logouts);
        Assert.Equal(0, fixture.Pool.Counters.LiveSessions);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => session.GetSessionAsync(CancellationToken.None)).Bounded();
    }
}
