using Microsoft.Extensions.Logging;
using XcpTunnel.Protocol.Xapi.Sessions;

namespace XcpTunnel.Daemon;

/// <summary>
/// The daemon's one <see cref="XapiPoolSession"/> per configured pool, shared by every tunnel (and later
/// probes), so however many viewers connect, each pool sees one session. Disposing logs out of each.
/// </summary>
internal sealed class PoolRegistry : IAsyncDisposable
{
    private readonly Dictionary<string, XapiPoolSession> _pools;

    public PoolRegistry(
        IReadOnlyDictionary<string, XapiPoolOptions> pools, ILoggerFactory loggerFactory, TimeProvider timeProvider, IXapiCallObserver? observer = null)
    {
        _pools = pools.ToDictionary(
            p => p.Key,
            p => new XapiPoolSession(p.Value, loggerFactory, timeProvider, observer),
            StringComparer.Ordinal);
    }

    public XapiPoolSession this[string pool] => _pools[pool];

    public IEnumerable<XapiPoolSession> All => _pools.Values;

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_pools.Values.Select(p => p.DisposeAsync().AsTask())).ConfigureAwait(false);
    }
}
