using XcpTunnel.Protocol.Xapi;
using XcpTunnel.Protocol.Xapi.Records;

namespace XcpTunnel.Protocol.Consoles;

public sealed partial class ConsoleCache
{
    // Hosts too: their addresses place consoles whose location is not a URI, and are where failover looks.
    private static readonly string[] FollowedClasses = ["VM", "console", "host"];

    // Above this, an event.from would outlive the call deadline the pool session puts on every RPC.
    private static readonly TimeSpan CallDeadlineMargin = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Load, then apply <c>event.from</c> batches until stopped. Lost events or a token xapi no longer knows:
    /// reload at once. The pool unreachable (or any other failure): stop answering from the table, back off,
    /// reload; the same for anything unexpected, so a broken feed never leaves a stale table answering. An expired session never reaches here: the pool session logs in again and repeats the call.
    /// </summary>
    private async Task FollowAsync(CancellationToken cancellationToken)
    {
        var wait = EventWait();
        var backoff = _options.MinBackoff;
        string? token = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                token ??= await LoadAsync(cancellationToken).ConfigureAwait(false);
                var batch = await Pool.GetEventsAsync(FollowedClasses, token, wait, cancellationToken).ConfigureAwait(false);
                var vmsChanged = false;
                lock (_sync)
                {
                    foreach (var change in batch.Events)
                    {
                        if (change.IsClass("host"))
                        {
                            Pool.ApplyHostEvent(change);
                        }
                        else
                        {
                            _index.Apply(change);
                            vmsChanged |= change.IsClass("VM");
                        }
                    }
                }

                token = batch.Token;
                if (vmsChanged)
                {
                    VmsChanged?.Invoke();
                }

                backoff = _options.MinBackoff;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return; // The pool session was disposed under us: the daemon is stopping.
            }
            catch (XapiFailureException ex) when (ex.ErrorCode is XapiErrorCodes.EventsLost or XapiErrorCodes.EventFromTokenParseFailure)
            {
                _synchronised = false;
                token = null;
                ConsoleCacheLog.EventsLost(_logger, Pool.Options.Name, ex.ErrorCode);
            }
#pragma warning disable CA1031 // Any failure, a bug included, must stop answering from a table nobody keeps current.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _synchronised = false;
                token = null;
                ConsoleCacheLog.FeedFailed(_logger, Pool.Options.Name, ex.Message, backoff.TotalSeconds);
                try
                {
                    await Task.Delay(backoff, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = backoff * 2 < _options.MaxBackoff ? backoff * 2 : _options.MaxBackoff;
            }
        }
    }

    /// <summary>
    /// A full load, returning the token to follow from. The token is taken first, so every change made during the
    /// load is replayed afterwards; replaying whole-record snapshots is harmless. Meanwhile a VM whose consoles
    /// are not in the table yet is resolved by RPC.
    /// </summary>
    private async Task<string> LoadAsync(CancellationToken cancellationToken)
    {
        // A real token first (event.from([], "", 0) would answer the zero token, from which the next call replays the
        // whole pool): the token of an event injected on the pool object, as Xen Orchestra does.
        var token = await Pool.InjectEventAsync("pool", await Pool.GetPoolRefAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        var vms = await Pool.GetAllVmRecordsAsync(cancellationToken).ConfigureAwait(false);
        var consoles = await Pool.GetAllConsoleRecordsAsync(cancellationToken).ConfigureAwait(false);
        await Pool.RefreshMembersAsync(cancellationToken).ConfigureAwait(false);
        lock (_sync)
        {
            _index.Load(vms, consoles);
            _synchronised = true;
        }

        Interlocked.Increment(ref _loads);
        ConsoleCacheLog.Loaded(_logger, Pool.Options.Name, vms.Count);
        VmsChanged?.Invoke();
        return token;
    }

    private TimeSpan EventWait()
    {
        var ceiling = Pool.Options.CallTimeout - CallDeadlineMargin;
        if (Pool.Options.CallTimeout == Timeout.InfiniteTimeSpan || _options.EventTimeout <= ceiling)
        {
            return _options.EventTimeout;
        }

        return ceiling > TimeSpan.Zero ? ceiling : Pool.Options.CallTimeout / 2;
    }
}
