using System.Text;

namespace XcpTunnel.Benchmarks.Abuse;

/// <summary><c>./bench.sh --abuse</c>: every attack against the Release binary, as a table in bench/ABUSE.md.</summary>
internal static class AbuseRun
{
    public static async Task<int> RunAsync(BenchSettings settings)
    {
        List<AbuseResult> results = [];
        string[] command = [settings.XcpTunnelBinary];
        await using (var rig = await AbuseRig.StartAsync(command, openFiles: 1024))
        {
            results.Add(await AbuseScenarios.SilentFloodAsync(rig, rig.Health, 1100, "the health endpoint"));
            results.Add(await AbuseScenarios.SilentFloodAsync(rig, rig.Open, 1100, "a tunnel"));
            results.Add(await AbuseScenarios.SilentViewersAsync(rig, 16));
            results.Add(await AbuseScenarios.RefusalFloodAsync(rig, 10_000, maxLines: 36));
        }

        await using (var rig = await AbuseRig.StartAsync(command, openFiles: 16384, maxConnections: 2500))
        {
            results.Add(await AbuseScenarios.BurstAsync(rig, 2000));
        }

        var table = new StringBuilder()
            .AppendLine("| attack | held | figures |")
            .AppendLine("|---|---|---|");
        foreach (var result in results)
        {
            table.AppendLine($"| {result.Attack} | {(result.Held ? "yes" : "**no**")} | {result.Figures} |");
        }

        Console.WriteLine(table);
        var output = Path.Combine(Path.GetDirectoryName(settings.Output) ?? ".", "ABUSE.md");
        await File.WriteAllTextAsync(
            output,
            $"# XcpTunnel abuse benchmark\n\nRun {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC with `./bench.sh --abuse`, the Release binary under `prlimit`, on loopback. Machine: {Report.Machine()}.\n\n{table}");
        Console.WriteLine($"Written to {output}");
        return results.All(r => r.Held) ? 0 : 1;
    }
}
