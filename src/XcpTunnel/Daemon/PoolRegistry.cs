using Microsoft.Extensions.Logging;
using XcpTunnel.Protocol.Xapi.Sessions;

namespace XcpTunnel.Daemon;

/// <summary>
/// The daemon's one <see cref="XapiPoolSession"/> per configured pool, shared by every tunnel (and later
/// probes), so however many viewers connect, each pool sees one session. Disposing logs out of each.
/// A reload swaps in new sessions for pools whose options changed (<see cref="Renew"/>); the old ones are handed
/// back to be logged out once the connections still using them have drained.
/// </summary>
internal sealed class PoolRegistry : IAsyncDisposable
{
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _timeProvider;
    private readonly IXapiCallObserver? _observer;

    // Replaced whole, never mutated: readers (health, metrics, connection handlers) need no lock.
    private volatile Dictionary<string, XapiPoolSession> _pools;

    public PoolRegistry(
        IReadOnlyDictionary<string, XapiPoolOptions> pools, ILoggerFactory loggerFactory, TimeProvider timeProvider, IXapiCallObserver? observer = null)
    {
        _loggerFactory = loggerFactory;
        _timeProvider = timeProvider;
        _observer = observer;
        _pools = pools.ToDictionary(p => p.Key, p => Create(p.Value), StringComparer.Ordinal);
    }

    public XapiPoolSession this[string pool] => _pools[pool];

    public IEnumerable<XapiPoolSession> All => _pools.Values;

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
        return [.. current.Values.Where(old => !next.ContainsValue(old))];
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_pools.Values.Select(p => p.DisposeAsync().AsTask())).ConfigureAwait(false);
    }

    private XapiPoolSession Create(XapiPoolOptions options) => new(options, _loggerFactory, _timeProvider, _observer);
}
