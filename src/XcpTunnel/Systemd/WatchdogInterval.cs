using System.Globalization;

namespace XcpTunnel.Systemd;

/// <summary>
/// How often to send <c>WATCHDOG=1</c>: half of <c>WATCHDOG_USEC</c>, as <c>sd_watchdog_enabled(3)</c>
/// recommends, so one late tick does not get the service killed.
/// </summary>
internal static class WatchdogInterval
{
    /// <summary>
    /// The ping interval, or null when the manager expects no pings: <c>WATCHDOG_USEC</c> unset or not a
    /// positive number, or <c>WATCHDOG_PID</c> naming another process (the variables were inherited).
    /// </summary>
    public static TimeSpan? FromEnvironment(IReadOnlyDictionary<string, string?> environment, int processId)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!environment.TryGetValue("WATCHDOG_USEC", out var text)
            || !ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var microseconds)
            || microseconds == 0)
        {
            return null;
        }

        if (environment.TryGetValue("WATCHDOG_PID", out var pidText) && !string.IsNullOrEmpty(pidText)
            && (!int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid != processId))
        {
            return null;
        }

        // TimeSpan ticks are 100 ns; clamp absurd values instead of overflowing.
        var ticks = (long)Math.Min(microseconds / 2 * 10, (ulong)TimeSpan.MaxValue.Ticks);
        return TimeSpan.FromTicks(Math.Max(ticks, 1));
    }
}
