using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using XcpTunnel.Daemon;

namespace XcpTunnel.Probes;

/// <summary>
/// Probes each tunnel with a <c>ProbeIntervalSeconds</c> on its interval, so the metrics say whether
/// consoles answer before anyone opens one. It looks at the current settings on every tick, so tunnels
/// and intervals a reload changes take effect; a probe still running is not started twice.
/// </summary>
internal sealed class ProbeScheduler(TunnelService tunnels, TunnelProbes probes, TimeProvider time, ILoggerFactory loggerFactory)
    : BackgroundService
{
    /// <summary>How often due probes are looked for; intervals are whole seconds, at least 5.</summary>
    internal static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    private readonly ILogger _logger = loggerFactory.CreateLogger<ProbeScheduler>();
    private readonly Dictionary<string, DateTimeOffset> _due = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            StartDueProbes(time.GetUtcNow());
            try
            {
                await Task.Delay(Tick, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Starts the probes due at <paramref name="now"/> and schedules the next; first probes are spread at random.</summary>
    internal void StartDueProbes(DateTimeOffset now)
    {
        var settings = tunnels.Settings;
        var configured = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tunnel in settings.Tunnels)
        {
            var interval = ProbeSchedule.IntervalOf(tunnel, settings.Health);
            if (interval <= TimeSpan.Zero)
            {
                continue;
            }

            configured.Add(tunnel.Name);
            if (!_due.TryGetValue(tunnel.Name, out var due))
            {
                var spread = TimeSpan.FromTicks(Math.Min(interval.Ticks, ProbeSchedule.MaximumFirstDelay.Ticks));
                _due[tunnel.Name] = now + (spread * Random.Shared.NextDouble());
            }
            else if (now >= due)
            {
                _due[tunnel.Name] = now + interval;
                if (probes.ProbeAsync(tunnel.Name) is { } probe)
                {
                    _ = ObserveAsync(tunnel.Name, probe);
                }
            }
        }

        foreach (var gone in _due.Keys.Where(name => !configured.Contains(name)).ToList())
        {
            _due.Remove(gone);
        }
    }

    // The result went to the metrics and the log already; only a bug would surface here.
    private async Task ObserveAsync(string tunnel, Task<ProbeResult> probe)
    {
        try
        {
            await probe.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The daemon is stopping.
        }
        catch (Exception ex)
        {
            ProbeLog.ProbeCrashed(_logger, ex, tunnel);
        }
    }
}
