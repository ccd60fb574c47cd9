using System.Globalization;

namespace XcpTunnel.Probes;

/// <summary>Turns what a successful probe saw into OK, WARNING or CRITICAL, with the sentence that says why.</summary>
internal static class ProbeVerdict
{
    public static ProbeResult Judge(string target, IReadOnlyList<ProbeStage> stages, TimeSpan total, ProbeScreen screen, ProbeOptions options)
    {
        ArgumentNullException.ThrowIfNull(screen);
        ArgumentNullException.ThrowIfNull(options);
        var picture = FormattableString.Invariant($"{screen.Width}x{screen.Height} \"{screen.DesktopName}\" in {Milliseconds(total)} ms");
        var (status, reason) =
            total > options.Critical ? (ProbeStatus.Critical, $"{picture}, over the critical threshold of {Milliseconds(options.Critical)} ms")
            : screen.SingleColour ? (ProbeStatus.Warning, $"screen is a single colour {ProbeScreen.Hex(screen.DominantColour)}: blank or hung console? ({picture})")
            : total > options.Warning ? (ProbeStatus.Warning, $"{picture}, over the warning threshold of {Milliseconds(options.Warning)} ms")
            : (ProbeStatus.Ok, picture);
        return new ProbeResult(target, status, reason, stages, total, screen);
    }

    /// <summary>Whole milliseconds, as people read durations in a status line.</summary>
    public static string Milliseconds(TimeSpan value) => Math.Round(value.TotalMilliseconds).ToString("0", CultureInfo.InvariantCulture);
}
