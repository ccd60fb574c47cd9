using Microsoft.Extensions.Logging;

namespace XcpTunnel.Tunnels;

/// <summary>
/// Refusals are counted, not each logged: anyone can open connections to be refused, and a log must not be theirs to
/// fill. The first refusal of each kind in an interval is logged whole; the others of that kind are summed into one
/// line when the interval ends. Metrics still count every one.
/// </summary>
internal sealed class RefusalLog : IDisposable
{
    /// <summary>How long a kind of refusal stays summarised after its first line.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMinutes(1);

    private readonly string _tunnel;
    private readonly ILogger _logger;
    private readonly TimeSpan _interval;
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private readonly Dictionary<TunnelOutcome, long> _suppressed = [];
    private bool _timerRunning;

    public RefusalLog(string tunnel, ILogger logger, TimeProvider time, TimeSpan? interval = null)
    {
        _tunnel = tunnel;
        _logger = logger;
        _interval = interval ?? DefaultInterval;
        _timer = time.CreateTimer(static state => ((RefusalLog)state!).Summarise(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>A connection was refused for <paramref name="outcome"/>; <paramref name="detail"/> is logged if it is the first such in its interval.</summary>
    public void Refused(TunnelOutcome outcome, string detail)
    {
        lock (_gate)
        {
            if (_suppressed.TryGetValue(outcome, out var count))
            {
                _suppressed[outcome] = count + 1;
                return;
            }

            _suppressed[outcome] = 0;
            if (!_timerRunning)
            {
                _timerRunning = true;
                _timer.Change(_interval, _interval);
            }
        }

        TunnelLog.Refused(_logger, _tunnel, outcome.Label(), detail);
    }

    public void Dispose()
    {
        Summarise();
        _timer.Dispose();
    }

    private void Summarise()
    {
        List<(TunnelOutcome Outcome, long Count)> summary;
        lock (_gate)
        {
            summary = [.. _suppressed.Where(p => p.Value > 0).Select(p => (p.Key, p.Value))];
            _suppressed.Clear();
            if (_timerRunning)
            {
                _timerRunning = false;
                _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }

        foreach (var (outcome, count) in summary)
        {
            TunnelLog.RefusedMore(_logger, _tunnel, count, outcome.Label(), (long)_interval.TotalSeconds);
        }
    }
}
