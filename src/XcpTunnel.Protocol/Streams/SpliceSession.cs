namespace XcpTunnel.Protocol.Streams;

/// <summary>
/// What the two copy loops of one splice share: the token that stops both, the first ending event
/// (a failure, the idle timeout or the caller's cancellation: first one wins), the side whose EOF came
/// first, and the idle clock.
/// </summary>
/// <remarks>
/// The idle timer is not reset per read: the loops only store a timestamp, and the one-shot timer, when
/// it fires early because of activity, re-arms itself for the remaining time. That keeps the hot path
/// to one <see cref="TimeProvider.GetTimestamp"/> and fires exactly <see cref="SpliceOptions.IdleTimeout"/>
/// after the last activity.
/// </remarks>
internal sealed class SpliceSession : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _sync = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _idleTimeout;
    private readonly ITimer? _idleTimer;
    private readonly TimeSpan? _halfCloseTimeout;
    private ITimer? _halfCloseTimer;
    private readonly CancellationTokenRegistration _callerRegistration;
    private long _lastActivity;
    private SpliceOutcome? _ending;
    private Exception? _error;
    private SpliceSide? _firstClosed;
    private bool _finished;

    public SpliceSession(SpliceOptions options, CancellationToken cancellationToken)
    {
        _time = options.TimeProvider;
        _halfCloseTimeout = options.HalfCloseTimeout;
        _lastActivity = _time.GetTimestamp();
        if (options.IdleTimeout is { } idleTimeout)
        {
            _idleTimeout = idleTimeout;
            _idleTimer = _time.CreateTimer(static state => ((SpliceSession)state!).OnIdleTimer(), this, idleTimeout, Timeout.InfiniteTimeSpan);
        }

        // Last: an already-cancelled token runs the callback here, and everything it touches is set.
        _callerRegistration = cancellationToken.UnsafeRegister(static state => ((SpliceSession)state!).End(SpliceOutcome.Cancelled, null), this);
    }

    /// <summary>Cancelled when the splice must stop: both loops pass it to every operation.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>Bytes moved: the idle clock starts again.</summary>
    public void Touch() => Volatile.Write(ref _lastActivity, _time.GetTimestamp());

    /// <summary>A loop read EOF from <paramref name="side"/>: the other direction now has the half-close deadline.</summary>
    public void Closed(SpliceSide side)
    {
        lock (_sync)
        {
            if (_firstClosed is not null)
            {
                return;
            }

            _firstClosed = side;
            if (_halfCloseTimeout is { } timeout && !_finished)
            {
                _halfCloseTimer = _time.CreateTimer(static state => ((SpliceSession)state!).EndHalfOpen(), this, timeout, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>An operation on <paramref name="side"/>'s stream threw.</summary>
    public void Failed(SpliceSide side, Exception error)
    {
        // Once the splice is stopping, the other loop's errors are echoes of the stop, not causes.
        if (!_stop.IsCancellationRequested)
        {
            End(side == SpliceSide.Viewer ? SpliceOutcome.ViewerFailed : SpliceOutcome.ConsoleFailed, error);
        }
    }

    /// <summary>Both loops have returned: the outcome is fixed from here on.</summary>
    public SpliceResult Finish(long viewerToConsole, long consoleToViewer)
    {
        lock (_sync)
        {
            _finished = true;

            // Without an ending event both loops returned at EOF, so a first EOF was seen.
            SpliceOutcome outcome = _ending ?? (_firstClosed == SpliceSide.Viewer ? SpliceOutcome.ViewerClosed : SpliceOutcome.ConsoleClosed);
            return new SpliceResult(viewerToConsole, consoleToViewer, outcome, _error);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Both wait for a callback already running, so neither can touch _stop once it is disposed.
        await _callerRegistration.DisposeAsync().ConfigureAwait(false);
        if (_idleTimer is not null)
        {
            await _idleTimer.DisposeAsync().ConfigureAwait(false);
        }

        ITimer? halfClose;
        lock (_sync)
        {
            halfClose = _halfCloseTimer;
        }

        if (halfClose is not null)
        {
            await halfClose.DisposeAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private void End(SpliceOutcome outcome, Exception? error)
    {
        lock (_sync)
        {
            if (_ending is not null || _finished)
            {
                return;
            }

            _ending = outcome;
            _error = error;
        }

        // Outside the lock: cancelling runs the loops' registrations, which may call back in here.
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Both loops reached EOF and the splice was disposed between the check above and here.
        }
    }

    // The side that closed first ends the splice, as if the other had closed in time.
    private void EndHalfOpen() =>
        End(_firstClosed == SpliceSide.Viewer ? SpliceOutcome.ViewerClosed : SpliceOutcome.ConsoleClosed, null);

    private void OnIdleTimer()
    {
        TimeSpan idle = _time.GetElapsedTime(Volatile.Read(ref _lastActivity));
        if (idle >= _idleTimeout)
        {
            End(SpliceOutcome.IdleTimeout, null);
            return;
        }

        try
        {
            _idleTimer!.Change(_idleTimeout - idle, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // The splice finished while this callback ran.
        }
    }
}
