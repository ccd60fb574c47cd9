using XcpTunnel.Probes;

namespace XcpTunnel.Tests.Probes;

public sealed class TcpProbeTargetTests
{
    [Fact]
    public async Task Probe_NothingListening_IsCriticalSayingTheConnectionWasRefused()
    {
        int port = TestPorts.Free();

        var result = await Prober.RunAsync(new TcpProbeTarget("gone", "127.0.0.1", port), new ProbeOptions(), CancellationToken.None).Bounded();

        Assert.Equal(ProbeStatus.Critical, result.Status);
        Assert.Equal($"127.0.0.1:{port} refused the connection", result.Reason);
        Assert.Empty(result.Stages);
    }
}
