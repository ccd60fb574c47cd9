using System.Buffers;
using Microsoft.Extensions.Logging;
using XcpTunnel.Health;
using XcpTunnel.Protocol.Consoles;
using XcpTunnel.Protocol.Rfb.Relay;
using XcpTunnel.Protocol.Streams;

namespace XcpTunnel.Tunnels.Hold;

/// <summary>
/// The splice of a tunnel with <c>HoldSeconds</c> (docs/rfb.md, "Holding a viewer across a console swap"): it relays
/// RFB message by message, and when the console ends while the VM reboots or migrates it keeps the viewer, shows it
/// a countdown, and swaps the new console in under it (<see cref="SwapAsync"/>), up to the hold time. Never throws
/// for I/O: how it ended comes back as a <see cref="SpliceResult"/> and a reason for the log.
/// </summary>
internal sealed partial class HoldingRelay(
    Stream viewer, HoldSettings settings, ConsoleDial dial, TimeProvider time, ILogger logger, string connection, string tunnel,
    TunnelMetrics? metrics)
{
    private RelayActivity _activity = null!;
    private ViewerPump _pump = null!;

    // True while the relay writes to the viewer (the console's bytes, padding, status frames, a resize): where a stuck viewer blocks it.
    private bool _writingViewer;

    // Set by the pump at the viewer's EOF or failure: a console that ends after it is not waited for.
    private volatile bool _viewerEnded;

    /// <summary>Relays <paramref name="first"/> (handshake done, ServerInit relayed) and whatever replaces it; disposes every console.</summary>
    /// <returns>
    /// How it ended; why the viewer was not held or the hold failed, when it was that; and, when the pool closed the
    /// console for want of input (which no hold follows: the new console would be closed the same way), how idle it was.
    /// </returns>
    public async Task<(SpliceResult Result, string? Reason, ConsoleIdleClose? IdleClosed)> RunAsync(ConsoleConnection first, CancellationToken cancellationToken)
    {
        var counters = metrics?.SpliceStarting();
        _activity = new RelayActivity(time, counters);
        _pump = new ViewerPump(viewer, new RfbClientMessageTracker(dropUnresettableZlib: true), _activity.FromViewer);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var console = new ConsoleLeg(first, new RfbServerMessageTracker(settings.ServerInit.ServerFormat));
        _pump.Attach(console);
        var pump = PumpAsync(stop);
        var idle = WatchIdleAsync(stop);
        var outcome = SpliceOutcome.ConsoleClosed;
        Exception? error = null;
        string? reason = null;
        ConsoleIdleClose? idleClosed = null;
        try
        {
            while (true)
            {
                var copy = await ChunkCopy.CopyAsync(console.Connection.Stream, new ToViewer(this, console.Updates), TunnelConnectionHandler.CopyBufferBytes, stop.Token).ConfigureAwait(false);
                error = copy.Error;
                if (copy.End is ChunkCopyEnd.DeliveryFailed or ChunkCopyEnd.Cancelled)
                {
                    outcome = copy.End == ChunkCopyEnd.DeliveryFailed ? SpliceOutcome.ViewerFailed : SpliceOutcome.Cancelled;
                    break;
                }

                // The console closed or failed: the VM may be rebooting or migrating.
                if (await console.Connection.ClosedForIdlenessAsync(stop.Token).ConfigureAwait(false) is { } idleClose)
                {
                    // xapi closed it for want of keyboard or mouse input (docs/xapi-console-protocol.md, "Console
                    // limit and idle timeout"): the VM did not go away, and a new console would be closed alike.
                    (idleClosed, error) = (idleClose, null);
                    break;
                }

                if (_viewerEnded)
                {
                    // The console finished after the viewer's EOF, as a half-closed splice ends: nobody to hold.
                    outcome = SpliceOutcome.ViewerClosed;
                    break;
                }

                _pump.Attach(null);
                await console.DisposeAsync().ConfigureAwait(false);
                error = null;
                var next = await HoldWithinDeadlineAsync(console, stop.Token).ConfigureAwait(false);
                if (next.Console is null)
                {
                    reason = next.Reason;
                    outcome = next.ViewerStuck ? SpliceOutcome.ViewerFailed : SpliceOutcome.ConsoleClosed;
                    break;
                }

                console = next.Console;
                _pump.Attach(console);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            outcome = SpliceOutcome.Cancelled;
        }
        catch (IOException ex)
        {
            outcome = SpliceOutcome.ViewerFailed;
            error = ex;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await console.DisposeAsync().ConfigureAwait(false);
            var viewerEnd = await pump.ConfigureAwait(false);
            var idled = await idle.ConfigureAwait(false);
            if (counters is not null)
            {
                metrics!.SpliceEnded(counters);
            }

            // Who stopped it: the viewer leaving, the idle timeout, or the caller.
            if (outcome == SpliceOutcome.Cancelled && !cancellationToken.IsCancellationRequested)
            {
                (outcome, error) = idled ? (SpliceOutcome.IdleTimeout, null)
                    : viewerEnd.Ended ? (viewerEnd.Error is null ? SpliceOutcome.ViewerClosed : SpliceOutcome.ViewerFailed, viewerEnd.Error)
                    : (outcome, error);
            }
        }

        return (new SpliceResult(_activity.ViewerToConsole, _activity.ConsoleToViewer, outcome, error), reason, idleClosed);
    }

    /// <summary>
    /// Everything between two consoles, under one deadline: the hold time, and a message's time beyond it, for the
    /// viewer to take its frames. A viewer that stops reading cannot keep the tunnel forever.
    /// </summary>
    private async Task<(ConsoleLeg? Console, string? Reason, bool ViewerStuck)> HoldWithinDeadlineAsync(ConsoleLeg dead, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(settings.Hold + settings.RfbMessage, time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            if (!await FinishCutMessageAsync(dead.Updates, deadline.Token).ConfigureAwait(false))
            {
                return (null, "the console ended in the middle of an update that cannot be finished for the viewer", false);
            }

            if ((_pump.Messages.Broken ?? dead.Updates.Broken) is { } lost)
            {
                return (null, $"the console ended and the relay had lost track of the messages ({lost})", false);
            }

            var (console, reason) = await HoldAsync(dead, deadline.Token).ConfigureAwait(false);
            return (console, reason, false);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Blocked writing to the viewer: it stopped reading. Anywhere else (a dial, a console's handshake) the
            // hold's own time ran out meanwhile.
            return _writingViewer
                ? (null, $"the viewer did not take its status frames within {(settings.Hold + settings.RfbMessage).TotalSeconds:0} s", true)
                : (null, HoldTimedOut(), false);
        }
    }

    /// <summary>
    /// The viewer pump; its end stops the relay. A failure stops it at once. EOF is a half-close, as in the plain
    /// splice (StreamSplicer): the console reads EOF and has <see cref="HoldSettings.HalfClose"/> to finish sending;
    /// while holding there is nothing to finish.
    /// </summary>
    private async Task<(bool Ended, Exception? Error)> PumpAsync(CancellationTokenSource stop)
    {
        var error = await _pump.RunAsync(stop.Token).ConfigureAwait(false);
        if (stop.IsCancellationRequested)
        {
            return (false, error);
        }

        _viewerEnded = true;
        if (error is null && _pump.Attached is { } console)
        {
            await console.CloseWritesAsync().ConfigureAwait(false);
            try
            {
                await Task.Delay(settings.HalfClose, time, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The console ended (or the relay was stopped) within the half-close time.
                return (true, null);
            }
        }

        await stop.CancelAsync().ConfigureAwait(false);
        return (true, error);
    }

    /// <summary>The tunnel's idle timeout, on the relay's own activity; true when it fired.</summary>
    private async Task<bool> WatchIdleAsync(CancellationTokenSource stop)
    {
        if (settings.IdleTimeout is not { } timeout)
        {
            return false;
        }

        try
        {
            while (true)
            {
                var left = timeout - _activity.Idle;
                if (left <= TimeSpan.Zero)
                {
                    await stop.CancelAsync().ConfigureAwait(false);
                    return true;
                }

                await Task.Delay(left, time, stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// A console that ended mid-message: the rest of the message goes to the viewer, padded (docs/rfb.md, "A console
    /// that ends mid-message"). False when it cannot be finished: the viewer must then be closed.
    /// </summary>
    private async Task<bool> FinishCutMessageAsync(RfbServerMessageTracker updates, CancellationToken cancellationToken)
    {
        if (updates.AtBoundary)
        {
            return true;
        }

        var padding = new ArrayBufferWriter<byte>();
        if (!updates.TryComplete(padding, lastRect: _pump.Messages.Advertises(RfbEncodings.LastRect)))
        {
            return false;
        }

        TunnelLog.CutMessageFinished(logger, connection, tunnel, padding.WrittenCount);
        await WriteViewerAsync(padding.WrittenMemory, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async ValueTask WriteViewerAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        _writingViewer = true;
        await viewer.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        await viewer.FlushAsync(cancellationToken).ConfigureAwait(false);
        _writingViewer = false;
        _activity.ToViewer(data.Length);
    }

    /// <summary>
    /// The console-to-viewer direction: each chunk is followed by the console's tracker (which may set Tight's reset bits
    /// in it) before it is written, so the relay knows at any moment whether the viewer stands between two messages.
    /// </summary>
    private readonly struct ToViewer(HoldingRelay relay, RfbServerMessageTracker updates) : IChunkSink
    {
        public ValueTask DeliverAsync(Memory<byte> chunk, CancellationToken cancellationToken)
        {
            updates.Advance(chunk.Span);
            return relay.WriteViewerAsync(chunk, cancellationToken);
        }
    }
}
