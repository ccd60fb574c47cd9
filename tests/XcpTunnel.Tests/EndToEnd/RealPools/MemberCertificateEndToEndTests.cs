using XcpTunnel.Protocol.Tls;
using XcpTunnel.Simulator;
using XcpTunnel.Tests.Cli;

namespace XcpTunnel.Tests.EndToEnd.RealPools;

/// <summary>
/// Consoles are reached by the IP in their location, and most certificates name DNS names only (all of 8.2's, most
/// CA-signed ones), or are simply not pinned. Once the coordinator is verified, a member's certificate is checked
/// against the fingerprint the pool publishes for it (docs/xapi-console-protocol.md, "Certificates of members").
/// </summary>
public sealed class MemberCertificateEndToEndTests
{
    [Theory]
    [InlineData(SimulatedXapiVersion.XcpNg82)]
    [InlineData(SimulatedXapiVersion.XcpNg83)]
    public async Task Serve_OnlyTheCoordinatorPinned_ConsolesOnMembersVerifiedByThePoolsFingerprints(SimulatedXapiVersion version)
    {
        await using var lab = await CliPool.StartAsync(new SimulatedPoolOptions { HostCount = 3, Password = CliPool.Password, Version = version });
        lab.Pool.AddVm("web01", residentOn: lab.Pool.Hosts[1]);
        lab.Pool.AddVm("db01", residentOn: lab.Pool.Hosts[2]);
        var entry = lab.PoolEntry(pins: lab.Pool.Coordinator.CertificateSha256Hex);
        await using var served = await ServedPool.StartAsync(lab, new Dictionary<string, string> { ["web"] = "web01", ["db"] = "db01" }, entry);

        Assert.Equal("QEMU (web01)", await served.DesktopNameAsync("web"));
        Assert.Equal("QEMU (db01)", await served.DesktopNameAsync("db"));
    }

    [Fact]
    public async Task Serve_CaSignedCertificatesNamingDnsNamesOnly_ConsolesByIpVerifiedByThePoolsFingerprints()
    {
        using var authority = TestCertificates.CreateAuthority();
        await using var lab = await CliPool.StartAsync(new SimulatedPoolOptions
        {
            HostCount = 2,
            Password = CliPool.Password,
            // What an admin installs: a CA-signed certificate for the host's DNS names, no IP address.
            CertificateFactory = identity => identity.NameLabel == "host1"
                ? TestCertificates.Issue(authority, "host1.xcp.test", "host1.xcp.test", "localhost")
                : TestCertificates.Issue(authority, identity.NameLabel + ".xcp.test"),
        });
        lab.Pool.AddVm("web01", residentOn: lab.Pool.Hosts[1]);
        var caFile = lab.Directory.File("pool-ca.pem");
        await File.WriteAllTextAsync(caFile, authority.ExportCertificatePem());
        var entry = lab.PoolEntry();
        entry.Remove("TlsFingerprint");
        entry["CaFile"] = caFile;
        entry["Url"] = $"https://localhost:{lab.Pool.Port}";
        await using var served = await ServedPool.StartAsync(lab, new Dictionary<string, string> { ["web"] = "web01" }, entry);

        Assert.Equal("QEMU (web01)", await served.DesktopNameAsync("web"));
    }

    [Fact]
    public async Task Serve_MemberPresentsAnotherCertificateThanThePoolSays_RefusedWithBothFingerprints()
    {
        await using var lab = await CliPool.StartAsync(hostCount: 2);
        var member = lab.Pool.Hosts[1];
        lab.Pool.AddVm("web01", residentOn: member);
        using var other = TestCertificates.SelfSigned("host2");
        lab.Pool.PublishCertificate(member, other);
        var entry = lab.PoolEntry(pins: lab.Pool.Coordinator.CertificateSha256Hex);
        await using var served = await ServedPool.StartAsync(lab, new Dictionary<string, string> { ["web"] = "web01" }, entry);

        var reason = await served.RefusalAsync("web");

        Assert.Contains(CliPool.Fingerprint(member), reason, StringComparison.Ordinal);
        Assert.Contains(CertificateFingerprint.Of(other).ToString(), reason, StringComparison.Ordinal);
        Assert.Equal(0, lab.Pool.Counters.Connects);
    }
}
