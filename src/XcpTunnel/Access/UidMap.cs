using System.Globalization;

namespace XcpTunnel.Access;

/// <summary>
/// The uids this process's user namespace can name (<c>/proc/self/uid_map</c>, see user_namespaces(7)).
/// The kernel reports a socket's owner through this map; an owner outside it is reported as the overflow
/// uid (65534, "nobody"). Under systemd's <c>PrivateUsers=yes</c> or in a container every other user's
/// connection would otherwise look like the real nobody's, so such a uid is treated as unknown.
/// </summary>
internal sealed class UidMap
{
    /// <summary>The kernel's default <c>/proc/sys/kernel/overflowuid</c>, which <c>ProcSubset=pid</c> hides from us.</summary>
    public const uint OverflowUid = 65534;

    private static readonly Lazy<UidMap?> CurrentMap = new(ReadCurrent);

    private readonly (uint First, uint Count)[] ranges;

    private UidMap((uint First, uint Count)[] ranges) => this.ranges = ranges;

    /// <summary>
    /// Whether a uid the kernel reported names the real owner. When the map cannot be read, only the overflow
    /// uid is doubted: in the initial namespace it is the real nobody, a user no allow list has a reason to name.
    /// </summary>
    public static bool IsReal(uint uid) => IsReal(uid, CurrentMap.Value);

    public static bool IsReal(uint uid, UidMap? map) => map?.Contains(uid) ?? uid != OverflowUid;

    /// <summary>
    /// Parses uid_map's lines, <c>inside outside count</c>; only the inside ranges matter, as the uids we are
    /// given are already translated. Null when the text is not a uid map.
    /// </summary>
    public static UidMap? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ranges = new List<(uint, uint)>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != 3
                || !uint.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
                || !uint.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out _)
                || !uint.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                return null;
            }

            ranges.Add((first, count));
        }

        return new UidMap([.. ranges]);
    }

    public bool Contains(uint uid) => ranges.Any(range => uid >= range.First && uid - range.First < range.Count);

    // The map is written once, before the namespace's first process runs, so one read serves the process's life.
    private static UidMap? ReadCurrent()
    {
        try
        {
            return Parse(File.ReadAllText("/proc/self/uid_map"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
