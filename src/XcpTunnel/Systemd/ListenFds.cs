using System.Globalization;

namespace XcpTunnel.Systemd;

/// <summary>One file descriptor passed by the service manager and the name its socket unit gave it.</summary>
/// <param name="Fd">3 and up, in the order of the socket unit's <c>Listen…=</c> lines.</param>
/// <param name="Name"><c>FileDescriptorName=</c>, or <c>unknown</c> (systemd's default) when none was given.</param>
internal sealed record PassedFd(int Fd, string Name);

/// <summary>What <see cref="ListenFds.Parse"/> found.</summary>
/// <param name="Fds">The descriptors meant for this process, in order; empty when none.</param>
/// <param name="Problems">Why some or all of the variables were not taken as they stood, to be logged.</param>
internal sealed record ListenFdsResult(IReadOnlyList<PassedFd> Fds, IReadOnlyList<string> Problems);

/// <summary>
/// Reads the socket-activation protocol (<c>sd_listen_fds(3)</c>, <c>sd_listen_fds_with_names(3)</c>):
/// <c>LISTEN_PID</c> must be this process (the variables may have been inherited from a parent that was
/// activated), <c>LISTEN_FDS</c> counts descriptors starting at 3, <c>LISTEN_FDNAMES</c> names them, colon-separated.
/// </summary>
internal static class ListenFds
{
    /// <summary>SD_LISTEN_FDS_START: the first passed descriptor, after stdin, stdout and stderr.</summary>
    public const int FirstFd = 3;

    /// <summary>The name systemd gives a descriptor whose socket unit set no <c>FileDescriptorName=</c>.</summary>
    public const string UnnamedFd = "unknown";

    /// <summary>The variables, unset once read so processes we might start do not take our sockets for theirs.</summary>
    public static readonly IReadOnlyList<string> Variables = ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"];

    // A sanity bound: a socket unit passes a handful; a garbage count must not make us wrap thousands of numbers.
    private const int MaxFds = 1024;

    public static ListenFdsResult Parse(IReadOnlyDictionary<string, string?> environment, int processId)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var pidText = Get("LISTEN_PID");
        var countText = Get("LISTEN_FDS");
        if (pidText is null && countText is null)
        {
            return new ListenFdsResult([], []);
        }

        if (!int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid != processId)
        {
            return None($"LISTEN_PID={pidText ?? "(unset)"} is not this process ({processId}); the sockets are not ours, ignoring LISTEN_FDS");
        }

        if (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count is < 0 or > MaxFds)
        {
            return None($"LISTEN_FDS={countText ?? "(unset)"} is not a number of descriptors from 0 to {MaxFds}; ignoring socket activation");
        }

        List<string> problems = [];
        var names = Get("LISTEN_FDNAMES")?.Split(':') ?? [];
        if (names.Length != 0 && names.Length != count)
        {
            problems.Add($"LISTEN_FDNAMES has {names.Length} name(s) for {count} descriptor(s); "
                + (names.Length < count ? $"the last {count - names.Length} are '{UnnamedFd}'" : "the extra names are ignored"));
        }

        PassedFd[] fds = [.. Enumerable.Range(0, count).Select(i => new PassedFd(FirstFd + i, i < names.Length && names[i].Length > 0 ? names[i] : UnnamedFd))];
        return new ListenFdsResult(fds, problems);

        string? Get(string name) => environment.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;

        static ListenFdsResult None(string problem) => new([], [problem]);
    }
}
