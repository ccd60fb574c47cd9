using System.Globalization;

namespace XcpTunnel.Simulator;

/// <summary>
/// The change log behind <c>event.from</c>. Each change gets the next generation number; a token names the last
/// generation a caller has seen. Appends happen under <see cref="PoolDatabase.Sync"/>; readers take the same lock.
/// </summary>
internal sealed class EventLog(TimeProvider timeProvider)
{
    public const string VmClass = "vm";
    public const string ConsoleClass = "console";
    public const string HostClass = "host";
    public const string PoolClass = "pool";
    public const string Add = "add";
    public const string Mod = "mod";
    public const string Del = "del";

    /// <summary>Oldest entries are dropped beyond this; a token older than the log gets <c>EVENTS_LOST</c>.</summary>
    private const int MaxEntries = 10_000;

    private readonly List<EventEntry> _entries = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Tokens below this generation were issued before the log was lost.
    private long _lostBefore;

    public long Generation { get; private set; }

    /// <summary>Completes at the next append (callers fetch it under the lock, then wait outside it).</summary>
    public Task NextChange => _changed.Task;

    public void Append(string cls, string operation, string objectRef, Dictionary<string, object?> snapshot)
    {
        Generation++;
        _entries.Add(new EventEntry(Generation, timeProvider.GetUtcNow(), cls, operation, objectRef, snapshot));
        if (_entries.Count > MaxEntries)
        {
            _entries.RemoveRange(0, _entries.Count - MaxEntries);
        }

        TaskCompletionSource changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    /// <summary>True when entries after <paramref name="generation"/> were dropped from the log.</summary>
    public bool IsLost(long generation) => generation < _lostBefore || (_entries.Count > 0 && _entries[0].Id > generation + 1);

    /// <summary>
    /// Drops every entry, as xapi does when its queue overflows or it restarts: every token issued so far gets
    /// <c>EVENTS_LOST</c>, including those of callers waiting now (they are woken to hear it).
    /// </summary>
    public void LoseAll()
    {
        _entries.Clear();
        Generation++;
        _lostBefore = Generation;
        TaskCompletionSource changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    public IEnumerable<EventEntry> Since(long generation) => _entries.Where(e => e.Id > generation);

    /// <summary>xapi's token shape: two zero-padded generation counters (objects, messages).</summary>
    public static string FormatToken(long generation) =>
        generation.ToString("D20", CultureInfo.InvariantCulture) + "," + 0L.ToString("D20", CultureInfo.InvariantCulture);

    /// <summary>Parses a token from <see cref="FormatToken"/>; the empty token means "from the beginning".</summary>
    public static bool TryParseToken(string token, out long generation)
    {
        generation = 0;
        if (token.Length == 0)
        {
            return true;
        }

        int comma = token.IndexOf(',', StringComparison.Ordinal);
        string first = comma < 0 ? token : token[..comma];
        return long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out generation) && generation >= 0;
    }
}

/// <summary>One change: the object's record as it was right after the change (the last record for a delete).</summary>
internal sealed record EventEntry(long Id, DateTimeOffset Timestamp, string Class, string Operation, string Ref, Dictionary<string, object?> Snapshot);
