using Microsoft.Extensions.Logging;
using XcpTunnel.Protocol.Consoles;
using XcpTunnel.Protocol.Xapi.Sessions;

namespace XcpTunnel.Daemon;

/// <summary>
/// The daemon's one <see cref="XapiPoolSession"/> per configured pool, shared by every tunnel (and later
/// probes), so however many viewers connect, each pool sees one session. Each pool also has a console cache fed
/// by <c>event.from</c>, so a new connection costs no XAPI call; the caches follow their pools only once
/// <see cref="StartConsoleCaches"/> is called (the daemon, not one-shot commands). Disposing stops the caches,
/// then logs out of each pool.
/// </summary>
internal sealed class PoolRegistry : IAsyncDisposable
{
    private readonly Dictionary<string, XapiPoolSession> _pools;
    private readonly Dictionary<string, ConsoleCache> _consoles;

    public PoolRegistry(
        IReadOnlyDictionary<string, XapiPoolOptions> pools, ILoggerFactory loggerFactory, TimeProvider timeProvider, IXapiCallObserver? observer = null)
    {
        _pools = pools.ToDictionary(
            p => p.Key,
            p => new XapiPoolSession(p.Value, loggerFactory, timeProvider, observer),
            StringComparer.Ordinal);
        _consoles = _pools.ToDictionary(
            p => p.Key,
            p => new ConsoleCache(p.Value, loggerFactory: loggerFactory, timeProvider: timeProvider),
            StringComparer.Ordinal);
    }

    public XapiPoolSession this[string pool] => _pools[pool];

    public IEnumerable<XapiPoolSession> All => _pools.Values;

    /// <summary>The console resolver of <paramref name="pool"/>: its cache, answering by RPC until it is in step.</summary>
    public IConsoleResolver ConsolesOf(string pool) => _consoles[pool];

    public void StartConsoleCaches()
    {
        foreach (var cache in _consoles.Values)
        {
            cache.Start();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_consoles.Values.Select(c => c.DisposeAsync().AsTask())).ConfigureAwait(false);
        await Task.WhenAll(_pools.Values.Select(p => p.DisposeAsync().AsTask())).ConfigureAwait(false);
    }
}
