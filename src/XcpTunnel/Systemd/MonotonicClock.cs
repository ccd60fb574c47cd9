using System.Diagnostics;

namespace XcpTunnel.Systemd;

/// <summary><c>CLOCK_MONOTONIC</c> in microseconds, for <c>MONOTONIC_USEC=</c> next to <c>RELOADING=1</c>.</summary>
internal static class MonotonicClock
{
    /// <remarks>
    /// On Linux <see cref="Stopwatch"/> reads <c>clock_gettime(CLOCK_MONOTONIC)</c> in nanoseconds, the clock
    /// systemd compares with; no P/Invoke needed.
    /// </remarks>
    public static long NowMicroseconds() =>
        (long)(Int128.CreateTruncating(Stopwatch.GetTimestamp()) * 1_000_000 / Stopwatch.Frequency);
}
