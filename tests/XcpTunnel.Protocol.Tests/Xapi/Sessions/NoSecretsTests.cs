using XcpTunnel.Protocol.Consoles;
using XcpTunnel.Protocol.Tests.Support;
using XcpTunnel.Protocol.Tls;
using XcpTunnel.Protocol.Xapi;
using XcpTunnel.Simulator;

namespace XcpTunnel.Protocol.Tests.Xapi.Sessions;

/// <summary>
/// Passwords and session refs are bearer secrets: whatever goes wrong, no exception text and no
/// log line may carry one (README, "How a connection is made").
/// </summary>
public sealed class NoSecretsTests
{
    [Fact]
    public async Task EveryFailureAndLogLine_CarriesNoPasswordOrSessionRef()
    {
        await using var fixture = await PoolFixture.StartAsync(hosts: 2);
        fixture.Pool.AddVm("web01", residentOn: fixture.Pool.Hosts[1], backend: ConsoleBackend.Qemu());
        fixture.Pool.AddVm("halted", powerState: SimulatedPowerState.Halted);
        fixture.Pool.AddVm("twin");
        fixture.Pool.AddVm("twin");
        var sessionRefs = new HashSet<string>(StringComparer.Ordinal);
        var texts = new List<string>();

        var session = fixture.Session(fixture.Options(url: fixture.Pool.Hosts[1].Url));
        var dialer = new ConsoleDialer(session);
        sessionRefs.Add((await session.GetSessionAsync(CancellationToken.None).Bounded()).Value);
        await (await dialer.DialAsync("web01", CancellationToken.None).Bounded()).DisposeAsync();

        fixture.Pool.ExpireAllSessions();
        await (await dialer.DialAsync("web01", CancellationToken.None).Bounded()).DisposeAsync();
        sessionRefs.Add((await session.GetSessionAsync(CancellationToken.None).Bounded()).Value);

        fixture.Pool.Faults.FailNextConnects(401, count: 2);
        texts.Add(await Failure(() => dialer.DialAsync("web01", CancellationToken.None)));
        sessionRefs.Add((await session.GetSessionAsync(CancellationToken.None).Bounded()).Value);
        foreach (var status in new[] { 403, 404, 500, 503 })
        {
            fixture.Pool.Faults.FailNextConnects(status, count: 2);
            texts.Add(await Failure(() => dialer.DialAsync("web01", CancellationToken.None)));
        }

        texts.Add(await Failure(() => dialer.DialAsync("halted", CancellationToken.None)));
        texts.Add(await Failure(() => dialer.DialAsync("twin", CancellationToken.None)));
        texts.Add(await Failure(() => dialer.DialAsync("ghost", CancellationToken.None)));
        texts.Add(await Failure(() => session.CallAsync("VM.no_such_method", [], CancellationToken.None)));

        var wrongPassword = fixture.Session(fixture.Options(password: PoolFixture.Password + "-wrong"));
        texts.Add(await Failure(() => wrongPassword.GetSessionAsync(CancellationToken.None)));
        var wrongPin = fixture.Session(fixture.Options() with { Trust = TlsTrustPolicy.Pinned([CertificateFingerprint.Of(TestCertificates.SelfSigned())]) });
        texts.Add(await Failure(() => wrongPin.GetSessionAsync(CancellationToken.None)));

        await session.DisposeAsync();
        texts.AddRange(fixture.Logs.Lines);

        Assert.Equal(3, sessionRefs.Count);
        Assert.NotEmpty(fixture.Logs.Lines);
        foreach (var text in texts)
        {
            Assert.DoesNotContain(PoolFixture.Password, text, StringComparison.Ordinal);
            foreach (var reference in sessionRefs)
            {
                Assert.DoesNotContain(reference, text, StringComparison.Ordinal);
                Assert.DoesNotContain(Uri.EscapeDataString(reference), text, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void SecretTypes_FormatRedacted()
    {
        Assert.DoesNotContain("abc", new XapiSessionRef("OpaqueRef:abc").ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", new XapiPassword("hunter2").ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("OpaqueRef:abc", new XapiFailureException(XapiErrorCodes.SessionInvalid, ["OpaqueRef:abc"]).Message, StringComparison.Ordinal);
    }

    private static async Task<string> Failure(Func<Task> action)
    {
        var error = await Assert.ThrowsAnyAsync<XcpTunnelException>(action).Bounded();
        return error.ToString();
    }
}
