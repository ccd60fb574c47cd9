using XcpTunnel.Probes;
using XcpTunnel.Protocol.Rfb.Client;

namespace XcpTunnel.Tests.Probes;

/// <summary>How a probe that saw a screen is judged, and how results are written for Nagios.</summary>
public sealed class ProbeVerdictTests
{
    private static readonly ProbeOptions Thresholds = new() { Warning = TimeSpan.FromMilliseconds(1000), Critical = TimeSpan.FromMilliseconds(5000) };

    private static readonly IReadOnlyList<ProbeStage> Stages =
    [
        new(ProbeStages.Xapi, TimeSpan.FromMilliseconds(3.14)),
        new(ProbeStages.Tls, TimeSpan.FromMilliseconds(2)),
        new(ProbeStages.FirstUpdate, TimeSpan.FromMilliseconds(30.06)),
    ];

    [Fact]
    public void Judge_FastAndDrawn_IsOkWithSizeAndName()
    {
        var result = ProbeVerdict.Judge("centos", Stages, TimeSpan.FromMilliseconds(42), Screen(0x000000, 0xFFFFFF), Thresholds);

        Assert.Equal(ProbeStatus.Ok, result.Status);
        Assert.Equal("2x1 \"QEMU (centos)\" in 42 ms", result.Reason);
    }

    [Fact]
    public void Judge_SingleColour_IsWarningNamingTheColour()
    {
        var result = ProbeVerdict.Judge("centos", Stages, TimeSpan.FromMilliseconds(42), Screen(0x2E7D32, 0x2E7D32), Thresholds);

        Assert.Equal(ProbeStatus.Warning, result.Status);
        Assert.StartsWith("screen is a single colour #2e7d32: blank or hung console?", result.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1000, 0)]
    [InlineData(1001, 1)]
    [InlineData(5000, 1)]
    [InlineData(5001, 2)]
    public void Judge_Total_AgainstThresholds(int totalMs, int nagiosCode)
    {
        var result = ProbeVerdict.Judge("centos", Stages, TimeSpan.FromMilliseconds(totalMs), Screen(0, 1), Thresholds);

        Assert.Equal(nagiosCode, (int)result.Status);
    }

    [Fact]
    public void Judge_SlowerThanCriticalAndSingleColour_IsCritical()
    {
        var result = ProbeVerdict.Judge("centos", Stages, TimeSpan.FromSeconds(6), Screen(7, 7), Thresholds);

        Assert.Equal(ProbeStatus.Critical, result.Status);
        Assert.Contains("over the critical threshold of 5000 ms", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Nagios_Ok_OneLineWithEveryStageAndTheThresholds()
    {
        var result = ProbeVerdict.Judge("centos", Stages, TimeSpan.FromMilliseconds(42), Screen(0, 1), Thresholds);

        Assert.Equal(
            "XCPTUNNEL OK - centos: 2x1 \"QEMU (centos)\" in 42 ms | xapi=3.1ms tls=2ms first_update=30.1ms total=42ms;1000;5000;0",
            NagiosOutput.Format(result, Thresholds));
    }

    [Fact]
    public void Nagios_ReasonWithPipeAndNewline_CannotBreakThePerfdata()
    {
        var result = new ProbeResult("web", ProbeStatus.Critical, "bad | thing\nhere", [], TimeSpan.FromMilliseconds(1.25), null);

        Assert.Equal("XCPTUNNEL CRITICAL - web: bad / thing here | total=1.3ms;1000;5000;0", NagiosOutput.Format(result, Thresholds));
    }

    [Fact]
    public void Nagios_Unknown_HasNoPerfdata()
    {
        Assert.Equal(
            "XCPTUNNEL UNKNOWN - x: no tunnel named 'x'",
            NagiosOutput.Format(ProbeResult.Unknown("x", "no tunnel named 'x'"), Thresholds));
    }

    [Fact]
    public void Report_HasTheScreenAndStagesInMilliseconds()
    {
        var report = ProbeReport.Of(ProbeVerdict.Judge("centos", Stages, TimeSpan.FromMilliseconds(42), Screen(0x102030, 0x102030, 0xFFFFFF), Thresholds));

        Assert.Equal(("OK", 0, "QEMU (centos)", 3, 1, false, "#102030"), (report.Status, report.ExitCode, report.DesktopName, report.Width, report.Height, report.SingleColour, report.DominantColour));
        Assert.Equal([ProbeStages.Xapi, ProbeStages.Tls, ProbeStages.FirstUpdate], report.Stages.Select(s => s.Name));
        Assert.Equal(3.14, report.Stages[0].Ms);
        Assert.Equal(42, report.TotalMs);
    }

    private static ProbeScreen Screen(params uint[] pixels) =>
        ProbeScreen.Of("QEMU (centos)", new RfbFramebuffer(pixels.Length, 1, pixels));
}
