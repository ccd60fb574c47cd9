using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using XcpTunnel.Protocol.Xapi.Records;
using XcpTunnel.Protocol.Xapi.Sessions;

namespace XcpTunnel.Protocol.Consoles;

/// <summary>
/// Resolves consoles with no XAPI call: a table of the pool's VMs and consoles, loaded once and kept current
/// by <c>event.from</c> (docs/xapi-console-protocol.md, "Events"), so a reboot, migration, rename or power change is seen as it happens.
/// While the table is not in step with the pool (before the first load, after lost events, while the pool
/// cannot be reached), or when it has no answer (an unknown VM), it resolves by RPC through
/// <see cref="ConsoleResolver"/>, with the same answers and errors.
/// </summary>
public sealed partial class ConsoleCache : IConsoleResolver, IAsyncDisposable
{
    private readonly Lock _sync = new();
    private readonly ConsoleIndex _index = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ConsoleCacheOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private Task? _feed;
    private volatile bool _synchronised;
    private long _loads;
    private int _disposed;

    /// <summary>Creates the cache; nothing is asked until <see cref="Start"/>.</summary>
    /// <param name="pool">The pool, whose shared session the feed uses (and renews on <c>SESSION_INVALID</c>).</param>
    /// <param name="options">Event wait and back-off; defaults when null.</param>
    /// <param name="loggerFactory">Where the feed logs; none when null.</param>
    /// <param name="timeProvider">The clock for back-off.</param>
    public ConsoleCache(
        XapiPoolSession pool, ConsoleCacheOptions? options = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        Rpc = new ConsoleResolver(pool);
        _options = options ?? new ConsoleCacheOptions();
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ConsoleCache>();
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public XapiPoolSession Pool => Rpc.Pool;

    /// <summary>The resolver used when the table cannot answer; also what a dialer uses to bypass the table.</summary>
    public ConsoleResolver Rpc { get; }

    /// <summary>Whether answers come from the table now (it is loaded and the event feed is healthy).</summary>
    public bool IsSynchronised => _synchronised;

    /// <summary>
    /// The VMs as the table has them now, or null while it is not in step with the pool (what it holds then may be
    /// stale). A copy: the caller may keep it.
    /// </summary>
    public IReadOnlyList<VmRecord>? Vms
    {
        get
        {
            lock (_sync)
            {
                return _synchronised ? _index.Vms() : null;
            }
        }
    }

    /// <summary>
    /// Raised after the table's VMs changed: a full load, or events that added, changed or deleted VMs. Raised on the
    /// feed's task, so a handler must only take note (and read <see cref="Vms"/> later); the feed waits for it.
    /// </summary>
    public event Action? VmsChanged;

    /// <summary>How many full loads the table has had (the first one, then one per resynchronisation).</summary>
    public long Loads => Interlocked.Read(ref _loads);

    /// <summary>Starts following the pool in the background; calling it again does nothing.</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        lock (_sync)
        {
            _feed ??= Task.Run(() => FollowAsync(_stop.Token));
        }
    }

    /// <inheritdoc />
    public Task<ResolvedConsole> ResolveAsync(string vm, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(vm);
        if (_synchronised)
        {
            lock (_sync)
            {
                if (_index.TryResolve(vm, Pool.Options.Name, Pool.Members, Pool.ConsolePort, out var resolved))
                {
                    return Task.FromResult(resolved!);
                }
            }
        }

        return Rpc.ResolveAsync(vm, cancellationToken);
    }

    /// <summary>The event feed's loop, once started: tests see it has ended instead of waiting for calls not to come.</summary>
    internal Task? Feed
    {
        get
        {
            lock (_sync)
            {
                return _feed;
            }
        }
    }

    /// <summary>Stops the feed and waits for it to end. The pool session is not disposed: it is the caller's.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _synchronised = false;
        await _stop.CancelAsync().ConfigureAwait(false);
        Task? feed;
        lock (_sync)
        {
            feed = _feed;
        }

        if (feed is not null)
        {
            await feed.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stop.Dispose();
    }
}
