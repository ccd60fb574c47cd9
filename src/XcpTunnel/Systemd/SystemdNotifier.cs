using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using XcpTunnel.Daemon;

namespace XcpTunnel.Systemd;

/// <summary>
/// Tells the service manager how the daemon is doing (<c>Type=notify</c>): <c>READY=1</c> once the host has
/// started (every hosted service, so every tunnel listener and the health endpoint, is up), a <c>STATUS=</c> line
/// kept current, <c>WATCHDOG=1</c> pings, <c>RELOADING=1</c>/<c>READY=1</c> around a reload and
/// <c>STOPPING=1</c> as soon as stopping begins. Does nothing when there is no <c>NOTIFY_SOCKET</c>.
/// </summary>
/// <remarks>
/// Registered as the first hosted service so it stops last: the watchdog keeps pinging while connections drain.
/// </remarks>
internal sealed class SystemdNotifier(
    NotifySocket? socket,
    TimeSpan? watchdogInterval,
    TunnelService tunnels,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<SystemdNotifier> logger) : IHostedService, IDisposable
{
    /// <summary>How often the STATUS line is recomputed; it is sent only when it changed, so this costs nothing idle.</summary>
    private static readonly TimeSpan StatusInterval = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private readonly Lock _gate = new();
    private string? _reloadProblem;
    private string? _lastStatus;
    private bool _stopping;
    private bool _warned;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (socket is null)
        {
            return Task.CompletedTask;
        }

        SystemdLog.Notifying(logger, socket.Path, (long)(watchdogInterval?.TotalMilliseconds ?? 0));
        if (watchdogInterval is { } interval)
        {
            // From the start, not from READY: systemd's watchdog timer runs while the service is starting too.
            _loops.Add(PingWatchdogAsync(interval, _stop.Token));
        }

        // ApplicationStarted fires after every hosted service's StartAsync and StartedAsync returned.
        lifetime.ApplicationStarted.Register(() =>
        {
            Send("READY=1\nSTATUS=" + Status());
            lock (_loops)
            {
                _loops.Add(UpdateStatusAsync(_stop.Token));
            }
        });
        lifetime.ApplicationStopping.Register(() =>
        {
            lock (_gate)
            {
                _stopping = true;
            }

            Send("STOPPING=1\nSTATUS=Stopping: no longer accepting viewers, draining connections");
        });
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        Task[] loops;
        lock (_loops)
        {
            loops = [.. _loops];
        }

        await Task.WhenAll(loops).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>A reload begins: systemd holds <c>systemctl reload</c> until the next <see cref="Reloaded"/>.</summary>
    public void Reloading() =>
        Send(string.Create(CultureInfo.InvariantCulture, $"RELOADING=1\nMONOTONIC_USEC={MonotonicClock.NowMicroseconds()}\nSTATUS=Reloading the configuration"));

    /// <summary>The reload is over, applied (<paramref name="problem"/> null) or not; the STATUS line says which.</summary>
    public void Reloaded(string? problem)
    {
        lock (_gate)
        {
            _reloadProblem = problem;
            if (_stopping)
            {
                return;
            }
        }

        Send("READY=1\nSTATUS=" + Status());
    }

    public void Dispose()
    {
        _stop.Dispose();
        socket?.Dispose();
    }

    /// <summary>"3 tunnels, 2 active connections", and the last reload's failure while it is current.</summary>
    internal string Status()
    {
        var listeners = tunnels.Listeners;
        var count = tunnels.Settings.Tunnels.Count;
        var active = listeners.Sum(l => l.ActiveConnections);
        var status = string.Create(
            CultureInfo.InvariantCulture,
            $"{count} tunnel{(count == 1 ? "" : "s")}, {active} active connection{(active == 1 ? "" : "s")}");
        lock (_gate)
        {
            return _reloadProblem is null ? status : $"{status}; reload failed: {_reloadProblem}";
        }
    }

    private async Task PingWatchdogAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            do
            {
                Send("WATCHDOG=1");
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private async Task UpdateStatusAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(StatusInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                lock (_gate)
                {
                    if (_stopping)
                    {
                        return;
                    }
                }

                var status = Status();
                if (status != Volatile.Read(ref _lastStatus))
                {
                    Send("STATUS=" + status);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private void Send(string assignments)
    {
        if (socket is null)
        {
            return;
        }

        foreach (var line in assignments.Split('\n'))
        {
            if (line.StartsWith("STATUS=", StringComparison.Ordinal))
            {
                Volatile.Write(ref _lastStatus, line["STATUS=".Length..]);
            }
        }

        try
        {
            socket.Send(assignments);
        }
        catch (SocketException ex)
        {
            // Once is enough: a manager that went away would otherwise fill the log every watchdog tick.
            if (!_warned)
            {
                _warned = true;
                SystemdLog.NotifyFailed(logger, socket.Path, ex.Message);
            }
        }
    }
}
