using System.Globalization;

namespace XcpTunnel.Tests.Access;

internal static class ThisProcess
{
    /// <summary>Our real uid, from /proc rather than from the code under test.</summary>
    public static int Uid { get; } =
        int.Parse(File.ReadAllLines("/proc/self/status").Single(line => line.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t')[1], CultureInfo.InvariantCulture);
}
