using System.Globalization;

namespace XcpTunnel.Benchmarks;

/// <summary>What to run and how much; every size can be lowered for a quick look.</summary>
internal sealed record BenchSettings
{
    public required string XcpTunnelBinary { get; init; }

    public string Socat { get; init; } = "socat";

    public string Output { get; init; } = "bench/RESULTS.md";

    public int TransferMib { get; init; } = 1024;

    public int Repeats { get; init; } = 3;

    public int RoundTrips { get; init; } = 5000;

    public int SetupSamples { get; init; } = 300;

    public int ParallelStreams { get; init; } = 100;

    public int ParallelMibEach { get; init; } = 8;

    public int IdleConnections { get; init; } = 1000;

    /// <summary>The bench tunnel's <c>HoldSeconds</c>; null leaves it unset (the daemon's default: the holding relay).</summary>
    public int? HoldSeconds { get; init; }

    /// <summary>VMs in the large-pool run (<see cref="LargePoolBench"/>); 0 skips it.</summary>
    public int LargePoolVms { get; init; } = 10_000;

    /// <summary>VMs given generated tunnels in the AutoTunnels run (<see cref="AutoTunnelsBench"/>); 0 skips it.</summary>
    public int AutoTunnelVms { get; init; } = 1000;

    /// <summary>
    /// <c>--xcptunnel PATH</c> (required), <c>--socat PATH</c>, <c>--output FILE</c>, <c>--transfer-mib N</c>,
    /// <c>--repeats N</c>, <c>--round-trips N</c>, <c>--setup-samples N</c>, <c>--parallel N</c>,
    /// <c>--parallel-mib N</c>, <c>--idle N</c>, <c>--large-pool-vms N</c>, <c>--auto-tunnel-vms N</c> (0 skips either),
    /// <c>--hold-seconds N</c> (the tunnel's HoldSeconds; 0 is the plain splice).
    /// </summary>
    public static BenchSettings Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i]] = args[i + 1];
        }

        int Int(string key, int fallback) => values.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var defaults = new BenchSettings { XcpTunnelBinary = "" };
        return new BenchSettings
        {
            XcpTunnelBinary = values.TryGetValue("--xcptunnel", out var binary)
                ? Path.GetFullPath(binary)
                : throw new ArgumentException("--xcptunnel PATH (the Release build of xcptunnel) is required"),
            Socat = values.GetValueOrDefault("--socat", defaults.Socat),
            Output = values.GetValueOrDefault("--output", defaults.Output),
            TransferMib = Int("--transfer-mib", defaults.TransferMib),
            Repeats = Int("--repeats", defaults.Repeats),
            RoundTrips = Int("--round-trips", defaults.RoundTrips),
            SetupSamples = Int("--setup-samples", defaults.SetupSamples),
            ParallelStreams = Int("--parallel", defaults.ParallelStreams),
            ParallelMibEach = Int("--parallel-mib", defaults.ParallelMibEach),
            IdleConnections = Int("--idle", defaults.IdleConnections),
            LargePoolVms = Int("--large-pool-vms", defaults.LargePoolVms),
            AutoTunnelVms = Int("--auto-tunnel-vms", defaults.AutoTunnelVms),
            HoldSeconds = values.ContainsKey("--hold-seconds") ? Int("--hold-seconds", 0) : null,
        };
    }
}
