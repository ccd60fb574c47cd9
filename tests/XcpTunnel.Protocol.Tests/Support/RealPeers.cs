namespace XcpTunnel.Protocol.Tests.Support;

/// <summary>
/// Locates real programs the end-to-end tests talk to (installed by test.sh from Debian). A missing
/// peer fails the test with the install line, so CI never passes by skipping one.
/// </summary>
internal static class RealPeers
{
    public static string Require(string program, string debianPackage)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':'))
        {
            var candidate = Path.Combine(directory, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"{program} is not installed: apt-get install {debianPackage} (./test.sh does this)");
    }
}
