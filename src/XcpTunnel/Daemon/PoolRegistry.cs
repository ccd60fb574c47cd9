using Microsoft.Extensions.Logging;
using XcpTunnel.Protocol.Consoles;
using XcpTunnel.Protocol.Xapi.Sessions;

namespace XcpTunnel.Daemon;

/// <summary>
/// The daemon's one <see cref="XapiPoolSession"/> per configured pool, shared by every tunnel (and later
/// probes), so however many viewers connect, each pool sees one session. Disposing logs out of each.
/// A reload swaps in new sessions for pools whose options changed (<see cref="Renew"/>); the old ones are handed
/// back to be logged out once the connections still using them have drained.
/// Each session has a console cache fed by <c>event.from</c>, so a new connection costs no XAPI call; the caches
/// follow their pools only once <see cref="StartConsoleCaches"/> is called (the daemon, not one-shot commands).
/// </summary>
internal sealed class PoolRegistry : IAsyncDisposable
{
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _timeProvider;
    private readonly IXapiCallObserver? _observer;

    // Caches of sessions a reload replaced, stopping in the background; awaited on dispose.
    private readonly List<Task> _retiredCaches = [];

    // Replaced whole, never mutated: readers (health, metrics, connection handlers) need no lock.
    private volatile Dictionary<string, XapiPoolSession> _pools;
    private volatile Dictionary<string, ConsoleCache> _consoles;
    private volatile bool _cachesStarted;

    public PoolRegistry(
        IReadOnlyDictionary<string, XapiPoolOptions> pools, ILoggerFactory loggerFactory, TimeProvider timeProvider, IXapiCallObserver? observer = null)
    {
        _loggerFactory = loggerFactory;
        _timeProvider = timeProvider;
        _observer = observer;
        _pools = pools.ToDictionary(p => p.Key, p => Create(p.Value), StringComparer.Ordinal);
        _consoles = _pools.ToDictionary(p => p.Key, p => CreateCache(p.Value), StringComparer.Ordinal);
    }

    public XapiPoolSession this[string pool] => _pools[pool];

    public IEnumerable<XapiPoolSession> All => _pools.Values;

    /// <summary>The console resolver of <paramref name="pool"/>: its cache, answering by RPC until it is in step.</summary>
    public IConsoleResolver ConsolesOf(string pool) => _consoles[pool];

    /// <summary>The VMs of <paramref name="pool"/> as its cache has them, or null while it is not in step (or no such pool).</summary>
    public IReadOnlyList<Protocol.Xapi.Records.VmRecord>? VmsOf(string pool) => _consoles.GetValueOrDefault(pool)?.Vms;

    /// <summary>A pool's cache saw its VMs change (the pool's name); raised on that cache's feed, so handlers only take note.</summary>
    public event Action<string>? VmsChanged;

    /// <summary>Starts every cache following its pool, and every cache a later reload creates.</summary>
    public void StartConsoleCaches()
    {
        _cachesStarted = true;
        foreach (var cache in _consoles.Values)
        {
            cache.Start();
        }
    }

    /// <summary>
    /// Makes <paramref name="pools"/> the configured set: pools named in <paramref name="renew"/> (added, or
    /// options changed) get a new session; others keep theirs. Returns the sessions no longer in the registry,
    /// replaced or removed, which the caller logs out once nothing uses them.
    /// </summary>
    /// <remarks>Not thread-safe against itself: the tunnel service serialises reloads.</remarks>
    public IReadOnlyList<XapiPoolSession> Renew(IReadOnlyDictionary<string, XapiPoolOptions> pools, IReadOnlySet<string> renew)
    {
        ArgumentNullException.ThrowIfNull(pools);
        ArgumentNullException.ThrowIfNull(renew);
        var current = _pools;
        var next = new Dictionary<string, XapiPoolSession>(StringComparer.Ordinal);
        foreach (var (name, options) in pools)
        {
            next[name] = !renew.Contains(name) && current.TryGetValue(name, out var kept) ? kept : Create(options);
        }

        _pools = next;
        RenewCaches(next);
        return [.. current.Values.Where(old => !next.ContainsValue(old))];
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_consoles.Values.Select(c => c.DisposeAsync().AsTask()).Concat(_retiredCaches)).ConfigureAwait(false);
        await Task.WhenAll(_pools.Values.Select(p => p.DisposeAsync().AsTask())).ConfigureAwait(false);
    }

    // A kept session keeps its cache; a new session gets a new one. A replaced session's cache stops now: the
    // connections still draining on that session have resolved already, and new ones use the new cache.
    private void RenewCaches(Dictionary<string, XapiPoolSession> sessions)
    {
        var current = _consoles;
        var next = new Dictionary<string, ConsoleCache>(StringComparer.Ordinal);
        foreach (var (name, session) in sessions)
        {
            if (current.TryGetValue(name, out var kept) && kept.Pool == session)
            {
                next[name] = kept;
                continue;
            }

            next[name] = CreateCache(session);
            if (_cachesStarted)
            {
                next[name].Start();
            }
        }

        _consoles = next;
        _retiredCaches.RemoveAll(t => t.IsCompleted);
        _retiredCaches.AddRange(current.Values.Where(old => !next.ContainsValue(old)).Select(old => old.DisposeAsync().AsTask()));
    }

    private XapiPoolSession Create(XapiPoolOptions options) => new(options, _loggerFactory, _timeProvider, _observer);

    private ConsoleCache CreateCache(XapiPoolSession session)
    {
        var cache = new ConsoleCache(session, loggerFactory: _loggerFactory, timeProvider: _timeProvider);
        cache.VmsChanged += () => VmsChanged?.Invoke(session.Options.Name);
        return cache;
    }
}
