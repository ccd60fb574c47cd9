using System.Globalization;
using System.Text;

namespace XcpTunnel.Probes;

/// <summary>
/// The one line a Nagios plugin prints: <c>XCPTUNNEL OK - target: reason | perfdata</c>, where perfdata is
/// <c>label=value[UOM];warn;crit;min;max</c> per the Nagios plugin guidelines, numbers in the invariant culture.
/// </summary>
internal static class NagiosOutput
{
    public static string Format(ProbeResult result, ProbeOptions options)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(options);
        var line = new StringBuilder()
            .Append("XCPTUNNEL ").Append(result.Status.Label()).Append(" - ")
            .Append(Clean(result.Target)).Append(": ").Append(Clean(result.Reason));
        if (result.Status == ProbeStatus.Unknown)
        {
            return line.ToString();
        }

        line.Append(" |");
        foreach (var stage in result.Stages)
        {
            line.Append(' ').Append(stage.Name).Append('=').Append(Milliseconds(stage.Duration)).Append("ms");
        }

        line.Append(" total=").Append(Milliseconds(result.Total)).Append("ms;")
            .Append(Milliseconds(options.Warning)).Append(';')
            .Append(Milliseconds(options.Critical)).Append(";0");
        return line.ToString();
    }

    private static string Milliseconds(TimeSpan value) => value.TotalMilliseconds.ToString("0.#", CultureInfo.InvariantCulture);

    // '|' starts the perfdata and a newline starts the long output: neither may come from a reason.
    private static string Clean(string text) => text.Replace('|', '/').Replace('\n', ' ').Replace('\r', ' ');
}
