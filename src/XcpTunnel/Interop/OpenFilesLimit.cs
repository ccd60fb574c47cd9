using System.Runtime.InteropServices;

namespace XcpTunnel.Interop;

/// <summary>
/// The process's open-files limit (RLIMIT_NOFILE). systemd starts services with a soft limit of 1024 and a much
/// higher hard limit, and a Native AOT binary does not raise it as the JIT runtime does: a daemon whose every
/// viewer costs two descriptors raises it itself.
/// </summary>
internal static partial class OpenFilesLimit
{
    private const int RlimitNoFile = 7;

    [StructLayout(LayoutKind.Sequential)]
    private struct Limit
    {
        public ulong Current;
        public ulong Maximum;
    }

    /// <summary>The soft limit now.</summary>
    public static long Current => Read() is { } limit ? Clamp(limit.Current) : long.MaxValue;

    /// <summary>Raises the soft limit to the hard limit and returns the soft limit it ends up with.</summary>
    public static long RaiseToHardLimit()
    {
        if (Read() is not { } limit)
        {
            return long.MaxValue;
        }

        if (limit.Current < limit.Maximum)
        {
            var raised = limit with { Current = limit.Maximum };
            if (SetLimit(RlimitNoFile, in raised) == 0)
            {
                return Clamp(raised.Current);
            }
        }

        return Clamp(limit.Current);
    }

    private static Limit? Read() => GetLimit(RlimitNoFile, out var limit) == 0 ? limit : null;

    // RLIM_INFINITY is all ones.
    private static long Clamp(ulong value) => value > long.MaxValue ? long.MaxValue : (long)value;

    [LibraryImport("libc", EntryPoint = "getrlimit")]
    private static partial int GetLimit(int resource, out Limit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit")]
    private static partial int SetLimit(int resource, in Limit limit);
}
