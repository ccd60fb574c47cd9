using System.Net;
using XcpTunnel.Access;
using XcpTunnel.Configuration;
using XcpTunnel.Simulator;
using XcpTunnel.Tests.EndToEnd.Peers;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.Health;

/// <summary>Who may ask the health endpoint, and by what name: users as for tunnels, Host only as an address or localhost.</summary>
public sealed class HealthAccessTests
{
    private static readonly string[] Routes = ["/", "/healthz", "/tunnels", "/metrics", "/probe/web", "/snapshot/web.png"];

    [Fact]
    public async Task ForeignHostHeader_IsRefusedOnEveryRoute_ByCurl()
    {
        await using var daemon = await DaemonFixture.StartAsync(pool => pool.AddVm("web01"), ("web", "web01"));
        var port = daemon.Health.Addresses[0].Port;

        foreach (var route in Routes)
        {
            Assert.Equal("421", await CurlStatusAsync(port, route, "evil.example"));
        }

        Assert.Equal("421", await CurlStatusAsync(port, "/healthz", $"evil.example:{port}"));
        Assert.Equal("200", await CurlStatusAsync(port, "/healthz", $"localhost:{port}"));
        Assert.Equal("200", await CurlStatusAsync(port, "/healthz", $"127.0.0.1:{port}"));
        Assert.Equal("200", await CurlStatusAsync(port, "/healthz", $"[::1]:{port}"));
    }

    [Fact]
    public async Task UserNotInHealthAllowUsers_IsForbidden_WithTheReason()
    {
        await using var daemon = await DaemonFixture.StartConfiguredAsync(
            s => s with { Health = s.Health with { AllowUsers = List("nobody") } }, pool => pool.AddVm("web01"), ("web", "web01"));

        var response = await daemon.Http.GetAsync(new Uri("/healthz", UriKind.Relative)).Bounded();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal($"user '{Environment.UserName}' may not open the health endpoint\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ProbeAndSnapshot_FollowTheTunnelsAllowList()
    {
        await using var daemon = await DaemonFixture.StartConfiguredAsync(
            s => s with { Tunnels = [.. s.Tunnels.Select(t => t.Name == "closed" ? t with { AllowUsers = List("nobody") } : t)] },
            pool => pool.AddVm("web01"),
            ("open", "web01"),
            ("closed", "web01"));

        var probe = await daemon.Http.GetAsync(new Uri("/probe/closed", UriKind.Relative)).Bounded();
        var snapshot = await daemon.Http.GetAsync(new Uri("/snapshot/closed.png", UriKind.Relative)).Bounded();
        var open = await daemon.Http.GetAsync(new Uri("/snapshot/open.png", UriKind.Relative)).Bounded();

        Assert.Equal(HttpStatusCode.Forbidden, probe.StatusCode);
        Assert.Equal($"user '{Environment.UserName}' may not open tunnel 'closed'\n", await probe.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, snapshot.StatusCode);
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        Assert.Equal(1, daemon.Pool.Counters.ConnectsWithStatus(200));
    }

    [Fact]
    public async Task StatusPage_ShowsTheScreenOnlyOfTunnelsTheUserMayOpen()
    {
        await using var daemon = await DaemonFixture.StartConfiguredAsync(
            s => s with { Tunnels = [.. s.Tunnels.Select(t => t.Name == "closed" ? t with { AllowUsers = List("nobody") } : t)] },
            pool => pool.AddVm("web01"),
            ("open", "web01"),
            ("closed", "web01"));

        var page = await daemon.GetStringAsync("/");

        Assert.Contains("<img src=\"/snapshot/open.png\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("/snapshot/closed.png", page, StringComparison.Ordinal);
        Assert.Contains($"screen not shown: user &#x27;{Environment.UserName}&#x27; may not open tunnel &#x27;closed&#x27;", page, StringComparison.Ordinal);
        // The first view probes the tunnels it shows, and only those: by the time the open one's probe is counted,
        // none of the closed one is (both would have started in the same request).
        var metrics = await daemon.WaitForAsync("/metrics", m => m.Contains("xcptunnel_probes_total{tunnel=\"open\"", StringComparison.Ordinal));
        Assert.DoesNotContain("xcptunnel_probes_total{tunnel=\"closed\"", metrics, StringComparison.Ordinal);
    }

    private static AllowList List(params string[] entries) => AllowList.Parse(entries, UserDirectory.Default, out _)!;

    private static async Task<string> CurlStatusAsync(int port, string route, string host)
    {
        var result = await Processes.RunAsync(
            new ProcessSpec(PeerProgram.Curl.Require(), ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", $"Host: {host}", $"http://127.0.0.1:{port}{route}"]),
            TestTimeouts.Default,
            CancellationToken.None);
        return result.StandardOutput.Trim();
    }
}
