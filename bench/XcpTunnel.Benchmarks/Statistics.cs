namespace XcpTunnel.Benchmarks;

internal static class Statistics
{
    /// <summary>Nearest-rank percentile of <paramref name="samples"/> (0–100).</summary>
    public static double Percentile(IReadOnlyCollection<double> samples, double percentile)
    {
        var sorted = samples.Order().ToArray();
        int rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static double Median(IReadOnlyCollection<double> samples) => Percentile(samples, 50);

    public static double MibPerSecond(long bytes, TimeSpan elapsed) => bytes / 1048576.0 / elapsed.TotalSeconds;
}
