using System.Globalization;
using System.Text;

namespace XcpTunnel.Benchmarks;

internal enum Better
{
    Higher,
    Lower,
}

/// <summary>One line of the results: a figure per path, and the target xcptunnel is held to, if any.</summary>
internal sealed record ResultRow(
    string Metric, string Unit, double? Direct, double? Socat, double? XcpTunnel, Better Better, string Target = "", bool? Met = null);

/// <summary>The results as a Markdown table with ratios to socat and to direct.</summary>
internal static class Report
{
    public static string Table(IEnumerable<ResultRow> rows)
    {
        var text = new StringBuilder();
        text.AppendLine("| metric | unit | direct | socat | xcptunnel | ÷ socat | ÷ direct | target | met |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---|---|");
        foreach (var row in rows)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {row.Metric} | {row.Unit} | {Number(row.Direct)} | {Number(row.Socat)} | {Number(row.XcpTunnel)} | {Ratio(row.XcpTunnel, row.Socat)} | {Ratio(row.XcpTunnel, row.Direct)} | {row.Target} | {Met(row.Met)} |"));
        }

        return text.ToString();
    }

    public static string Machine()
    {
        string cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        string kernel = File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : "?";
        return string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores ({cpu}), Linux {kernel}, .NET {Environment.Version}")
            + "; everything on loopback in one machine (the simulated pool and the benchmark client share a process; socat and xcptunnel are separate processes)";
    }

    private static string Number(double? value) => value switch
    {
        null => "–",
        >= 100 => value.Value.ToString("0", CultureInfo.InvariantCulture),
        >= 10 => value.Value.ToString("0.0", CultureInfo.InvariantCulture),
        _ => value.Value.ToString("0.00", CultureInfo.InvariantCulture),
    };

    private static string Ratio(double? value, double? baseline) =>
        value is { } v && baseline is { } b && b != 0 ? (v / b).ToString("0.00", CultureInfo.InvariantCulture) + "×" : "–";

    private static string Met(bool? met) => met switch
    {
        true => "met",
        false => "**not met**",
        null => "",
    };
}
