using XcpTunnel.Benchmarks.Abuse;
using XcpTunnel.Tests.EndToEnd;
using Xunit.Abstractions;

namespace XcpTunnel.Tests.Abuse;

/// <summary>
/// Each attack of the abuse benchmark (<c>./bench.sh --abuse</c>) against the real <c>serve</c>, held to its figure:
/// the daemon stays up, answers real viewers and monitoring, does not spin, and its log does not fill.
/// </summary>
public sealed class AbuseTests(ITestOutputHelper output)
{
    private static readonly string[] Daemon = ["dotnet", ServeProcess.DaemonDll];

    [Fact]
    public async Task SilentSocketsToTheHealthEndpoint_UnderADescriptorLimitOf1024()
    {
        await using var rig = await AbuseRig.StartAsync(Daemon, openFiles: 1024);

        Held(await AbuseScenarios.SilentFloodAsync(rig, rig.Health, 1100, "the health endpoint"), rig);
    }

    [Fact]
    public async Task SilentSocketsToATunnel_UnderADescriptorLimitOf1024()
    {
        await using var rig = await AbuseRig.StartAsync(Daemon, openFiles: 1024);

        Held(await AbuseScenarios.SilentFloodAsync(rig, rig.Open, 1100, "a tunnel"), rig);
    }

    [Fact]
    public async Task SixteenViewersThatSayNothing_LoseTheirPlacesAtTheHandshakeDeadline()
    {
        await using var rig = await AbuseRig.StartAsync(Daemon, openFiles: 1024);

        Held(await AbuseScenarios.SilentViewersAsync(rig, 16), rig);
    }

    [Fact]
    public async Task TwoThousandViewersAtOnce_AreEachGreetedWithinTwoSeconds()
    {
        await using var rig = await AbuseRig.StartAsync(Daemon, openFiles: 16384, maxConnections: 2500);

        Held(await AbuseScenarios.BurstAsync(rig, 2000), rig);
    }

    [Fact]
    public async Task TenThousandRefusals_WriteAFewLogLines()
    {
        await using var rig = await AbuseRig.StartAsync(Daemon, openFiles: 1024);

        Held(await AbuseScenarios.RefusalFloodAsync(rig, 10_000, maxLines: 36), rig);
    }

    private void Held(AbuseResult result, AbuseRig rig)
    {
        output.WriteLine($"{result.Attack}: {result.Figures}");
        Assert.True(result.Held, $"{result.Attack} did not hold: {result.Figures}\n{rig.Daemon.Tail()}");
    }
}
