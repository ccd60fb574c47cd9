using System.Diagnostics;
using XcpTunnel.Simulator.Backends;
using XcpTunnel.Simulator.Http;
using XcpTunnel.Simulator.Logging;

namespace XcpTunnel.Simulator.Connect;

/// <summary>
/// <c>CONNECT /console?…</c>, in xapi's order (xapi_http.ml then console.ml): session (401), RBAC (403), which
/// console (500), running here (500), backend port (404), connection limit (503), then 200 and the splice.
/// </summary>
internal sealed class ConnectConsoleHandler(PoolContext pool)
{
    /// <summary>Answers the request and, after a 200, serves the tunnel until it ends. The caller closes the connection.</summary>
    public async Task HandleAsync(SimulatedHost host, HttpRequestHead head, Stream connection, HttpHeadReader reader, CancellationToken cancellationToken)
    {
        TimeSpan delay = pool.Faults.ConnectDelay;
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, pool.TimeProvider, cancellationToken).ConfigureAwait(false);
        }

        if (pool.Faults.TryTakeConnectFailure(out int injected))
        {
            if (injected == 200)
            {
                await ReplyAsync(host, head, connection, 200, HttpResponses.ConnectOk.ToArray(), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await ReplyAsync(host, head, connection, injected, HttpResponses.ForStatus(injected, head.ReplyVersion), cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        // xapi_http.ml lookup_param_of_req: the cookie first, then the query.
        string? sessionRef = head.CookieValue("session_id") ?? head.QueryValue("session_id");
        Session? session = pool.Sessions.Validate(sessionRef);
        if (session is null)
        {
            await ReplyAsync(host, head, connection, 401, HttpResponses.Unauthorised(head.ReplyVersion), cancellationToken).ConfigureAwait(false);
            return;
        }

        if (session.Role == SimulatedRole.ReadOnly)
        {
            await ReplyAsync(host, head, connection, 403, HttpResponses.Forbidden(head.ReplyVersion), cancellationToken).ConfigureAwait(false);
            return;
        }

        SimulatedConsole? console = Resolve(host, head);
        if (console is null)
        {
            // console.ml raises its Failure exception; http_svr.ml prints it as the "additional information".
            await ReplyAsync(host, head, connection, 500, HttpResponses.InternalError(head.ReplyVersion, "Console.Failure"), cancellationToken).ConfigureAwait(false);
            return;
        }

        if (pool.Faults.BackendWithoutPort)
        {
            await ReplyAsync(host, head, connection, 404, HttpResponses.ConnectNotFound.ToArray(), cancellationToken).ConfigureAwait(false);
            return;
        }

        bool limit;
        lock (pool.Database.Sync)
        {
            limit = pool.Database.LimitConsoleSessions;
        }

        using LiveTunnel? tunnel = pool.Tunnels.TryAdd(console.Vm.Ref, session.UserName, limit, cancellationToken, out IReadOnlyList<string> users);
        if (tunnel is null)
        {
            await ReplyAsync(host, head, connection, 503, HttpResponses.ConnectionLimitExceeded(head.ReplyVersion, users), cancellationToken).ConfigureAwait(false);
            return;
        }

        // console.ml sends the 200 before it connects to the VNC server: a backend failure is a 200 then EOF.
        await ReplyAsync(host, head, connection, 200, HttpResponses.ConnectOk.ToArray(), cancellationToken).ConfigureAwait(false);
        if (pool.Faults.BackendUnavailable)
        {
            return;
        }

        ConsoleBackend backend = console.Protocol == SimulatedConsole.Rfb ? console.Vm.Backend : Vt100Backend.Instance;
        ConsoleInputWatch? input = IdleTimeoutApplies(out TimeSpan idleTimeout) ? new ConsoleInputWatch(pool.TimeProvider) : null;
        var stream = new TunnelStream(reader.TakeBuffered(), connection, input is null ? null : input.Observe);
        using ITimer? idleTimer = input is null ? null : CloseWhenIdle(input, idleTimeout, tunnel);
        long started = Stopwatch.GetTimestamp();
        pool.Counters.TunnelOpened();
        try
        {
            await backend.ServeAsync(stream, console.Vm, tunnel.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or EndOfStreamException or ObjectDisposedException)
        {
            // The viewer left, the tunnel was closed (reboot, migration, Dispose) or a kick: all normal ends.
        }
#pragma warning disable CA1031 // A custom backend's bug must end its tunnel, not the host's connection loop.
        catch (Exception e)
#pragma warning restore CA1031
        {
            SimulatorLog.BackendFailed(pool.Logger, host.NameLabel, console.Vm.NameLabel, e);
        }
        finally
        {
            pool.Counters.TunnelClosed();
            TimeSpan duration = Stopwatch.GetElapsedTime(started);
            SimulatorLog.TunnelClosed(pool.Logger, host.NameLabel, console.Vm.NameLabel, duration);
        }
    }

    /// <summary>
    /// xapi 26.1's <c>pool.vm_console_idle_timeout</c>: a tunnel whose viewer sent no Key, Pointer or QEMU message for
    /// that long is closed, as far as its parser can follow (after an RFB 3.3 handshake only). Older xapi has none.
    /// </summary>
    private bool IdleTimeoutApplies(out TimeSpan timeout)
    {
        lock (pool.Database.Sync)
        {
            timeout = pool.Database.VmConsoleIdleTimeout;
        }

        return pool.Options.Version == SimulatedXapiVersion.XenServer8 && timeout > TimeSpan.Zero;
    }

    private ITimer CloseWhenIdle(ConsoleInputWatch watch, TimeSpan timeout, LiveTunnel tunnel)
    {
        TimeSpan period = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(10).Ticks, Math.Min(timeout.Ticks / 4, TimeSpan.TicksPerSecond)));
        return pool.TimeProvider.CreateTimer(
            _ =>
            {
                if (watch.Following && watch.SinceLastInput >= timeout)
                {
                    pool.Counters.IdleClosed();
                    tunnel.Close();
                }
            },
            null,
            period,
            period);
    }

    /// <summary>
    /// console.ml <c>console_of_request</c> and <c>check_vm_is_running_here</c>: <c>uuid=</c> is a VM uuid, else a
    /// console uuid; <c>ref=</c> a VM or console ref; a VM means its first rfb console. No forwarding between hosts.
    /// </summary>
    private SimulatedConsole? Resolve(SimulatedHost host, HttpRequestHead head)
    {
        string? uuid = head.QueryValue("uuid");
        string? opaqueRef = head.QueryValue("ref");
        lock (pool.Database.Sync)
        {
            PoolDatabase db = pool.Database;
            SimulatedConsole? console;
            if (uuid is not null)
            {
                console = db.FindVmByUuid(uuid) is { } vm ? vm.RfbConsole : db.FindConsoleByUuid(uuid);
            }
            else if (opaqueRef is not null)
            {
                console = db.FindVmByRef(opaqueRef) is { } vm ? vm.RfbConsole : db.FindConsoleByRef(opaqueRef);
            }
            else
            {
                return null; // lacked 'ref' or 'uuid'
            }

            // Unknown console or VM, a VM without consoles, not Running, or running on another host (no forwarding).
            bool servable = console is not null
                && console.Vm.PowerState == SimulatedPowerState.Running
                && console.Vm.ResidentOn == host
                && console.Host == host;
            return servable ? console : null;
        }
    }

    private async Task ReplyAsync(SimulatedHost host, HttpRequestHead head, Stream connection, int status, byte[] reply, CancellationToken cancellationToken)
    {
        pool.Counters.Connected(status);
        SimulatorLog.ConnectAnswered(pool.Logger, host.NameLabel, head.Path, status);
        await connection.WriteAsync(reply, cancellationToken).ConfigureAwait(false);
        await connection.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
