using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace XcpTunnel.Probes;

/// <summary>A probe result as JSON (<c>probe --json</c>, <c>GET /probe/{tunnel}</c>): a stable shape, camelCase.</summary>
internal sealed record ProbeReport(
    string Target,
    string Status,
    int ExitCode,
    string Reason,
    string? DesktopName,
    int? Width,
    int? Height,
    bool? SingleColour,
    string? DominantColour,
    IReadOnlyList<ProbeStageReport> Stages,
    double TotalMs)
{
    public static ProbeReport Of(ProbeResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var screen = result.Screen;
        return new ProbeReport(
            result.Target,
            result.Status.Label(),
            (int)result.Status,
            result.Reason,
            screen?.DesktopName,
            screen?.Width,
            screen?.Height,
            screen?.SingleColour,
            screen is null ? null : ProbeScreen.Hex(screen.DominantColour),
            [.. result.Stages.Select(s => new ProbeStageReport(s.Name, Milliseconds(s.Duration)))],
            Milliseconds(result.Total));
    }

    private static double Milliseconds(TimeSpan value) => Math.Round(value.TotalMilliseconds, 3);
}

/// <summary>One stage in <see cref="ProbeReport.Stages"/>.</summary>
internal sealed record ProbeStageReport(string Name, double Ms);

/// <summary>An error answer of the health endpoint's probe routes (unknown tunnel).</summary>
internal sealed record ProbeError(string Error);

/// <summary>Source-generated JSON for probe results: no reflection, so the binary stays trimmable and AOT-clean.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(ProbeReport))]
[JsonSerializable(typeof(ProbeError))]
internal sealed partial class ProbeJsonContext : JsonSerializerContext
{
    /// <summary>
    /// Quotes and apostrophes as themselves: a reason such as <c>VM 'db01' is Halted</c> reads the same in JSON as
    /// on the status line. The output is served as application/json or printed, never embedded in HTML.
    /// </summary>
    public static ProbeJsonContext Readable { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
