using System.Globalization;

namespace XcpTunnel.Systemd;

/// <summary>
/// Whether our standard output or error is connected to the journal, so logs should use its format
/// (severity prefixes, no colours, no timestamps of our own).
/// </summary>
internal static class JournalStream
{
    /// <summary>
    /// True when <c>JOURNAL_STREAM</c> (<c>device:inode</c>, set by systemd) names the socket behind file
    /// descriptor 1 or 2. Comparing the inode, as <c>systemd.exec(5)</c> advises, means a child whose output was
    /// redirected elsewhere (a shell started from a service, a test) keeps plain logs despite the inherited variable.
    /// </summary>
    public static bool IsConnected(IReadOnlyDictionary<string, string?> environment) => IsConnected(environment, DescriptorTarget);

    /// <param name="environment">The process environment.</param>
    /// <param name="descriptorTarget">What <c>/proc/self/fd/N</c> links to for descriptor N, or null.</param>
    internal static bool IsConnected(IReadOnlyDictionary<string, string?> environment, Func<int, string?> descriptorTarget)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(descriptorTarget);
        if (!environment.TryGetValue("JOURNAL_STREAM", out var value) || value is null)
        {
            return false;
        }

        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !ulong.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var inode))
        {
            return false;
        }

        // The journal's stream is a unix socket: /proc/self/fd/N reads "socket:[inode]".
        var expected = string.Create(CultureInfo.InvariantCulture, $"socket:[{inode}]");
        return descriptorTarget(1) == expected || descriptorTarget(2) == expected;
    }

    private static string? DescriptorTarget(int fd)
    {
        try
        {
            return new FileInfo($"/proc/self/fd/{fd}").LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
