using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using XcpTunnel.Configuration;
using XcpTunnel.Systemd;

namespace XcpTunnel.Daemon;

/// <summary>
/// <c>SIGHUP</c> (<c>systemctl reload</c>) reloads the configuration: the same file with the same environment
/// is read again; a valid one is applied by <see cref="TunnelService.ReloadAsync"/>, an invalid one is rejected
/// with every error logged while the running configuration goes on. Reloads run one at a time; signals that
/// arrive during one fold into a single further reload, which reads the file as it is by then.
/// </summary>
internal sealed class ConfigReloader(
    Func<ConfigLoadResult> load,
    TunnelService tunnels,
    SystemdNotifier notifier,
    IHostApplicationLifetime lifetime,
    ILogger<ConfigReloader> logger) : IHostedService, IDisposable
{
    private readonly Channel<bool> _requests = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private PosixSignalRegistration? _signal;
    private Task _loop = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Registered before the tunnels start, so an early SIGHUP is queued instead of killing the daemon
        // (the default action); it is handled once the host has started.
        _signal = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            _requests.Writer.TryWrite(true);
        });
        _loop = RunAsync(_stop.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _signal?.Dispose();
        _requests.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose()
    {
        _signal?.Dispose();
        _stop.Dispose();
    }

    /// <summary>One reload, start to end; the signal handler's loop calls this, and so can tests.</summary>
    internal async Task ReloadAsync(CancellationToken cancellationToken)
    {
        notifier.Reloading();
        string? problem;
        try
        {
            var loaded = load();
            DaemonLog.Reloading(logger, loaded.Path);
            problem = loaded.Succeeded ? await ApplyAsync(loaded.Settings, cancellationToken).ConfigureAwait(false) : Reject(loaded);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            DaemonLog.ReloadCrashed(logger, ex);
            problem = ex.Message;
        }

        notifier.Reloaded(problem);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var _ in _requests.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            await ReloadAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<string?> ApplyAsync(DaemonSettings settings, CancellationToken cancellationToken)
    {
        var summary = await tunnels.ReloadAsync(settings, cancellationToken).ConfigureAwait(false);
        if (summary is null)
        {
            return null;
        }

        DaemonLog.Reloaded(logger, summary);
        return summary.FailedToStart.Count == 0 ? null : $"tunnel(s) {string.Join(", ", summary.FailedToStart)} could not start";
    }

    private string Reject(ConfigLoadResult loaded)
    {
        foreach (var error in loaded.Errors)
        {
            DaemonLog.ReloadConfigError(logger, loaded.Path, error);
        }

        DaemonLog.ReloadRejected(logger, loaded.Errors.Count);
        return $"{loaded.Errors.Count} error(s) in {loaded.Path}, still running the previous configuration";
    }
}
