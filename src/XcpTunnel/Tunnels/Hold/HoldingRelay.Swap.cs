using System.Buffers.Binary;
using XcpTunnel.Protocol;
using XcpTunnel.Protocol.Consoles;
using XcpTunnel.Protocol.Rfb.Client;
using XcpTunnel.Protocol.Rfb.Relay;

namespace XcpTunnel.Tunnels.Hold;

internal sealed partial class HoldingRelay
{
    private (int Width, int Height) _screen;
    private string _lastFailure = "";

    /// <summary>
    /// The hold: status frames to the viewer, and a new console looked for every <see cref="HoldSettings.RetryInterval"/>
    /// until one is swapped in, the VM is found halted, or <see cref="HoldSettings.Hold"/> runs out.
    /// </summary>
    private async Task<(ConsoleLeg? Console, string? Reason)> HoldAsync(ConsoleLeg dead, CancellationToken cancellationToken)
    {
        if (_screen == default)
        {
            _screen = (settings.ServerInit.Width, settings.ServerInit.Height);
        }

        metrics?.HoldStarted();
        long started = time.GetTimestamp();
        TunnelLog.Holding(logger, connection, tunnel, settings.Vm, (long)settings.Hold.TotalSeconds);
        _lastFailure = "its console did not come back";
        bool whole = true;

        // RFB servers send updates only when asked (RFC 6143 §7.5.3). A viewer keeps one request outstanding, which
        // the dead console may not have answered: one update is owed now, then one per request.
        bool owed = true;
        while (true)
        {
            var left = settings.Hold - time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                string reason = HoldTimedOut();
                await ShowAsync(reason, whole: true, cancellationToken).ConfigureAwait(false);
                return (null, reason);
            }

            if (owed)
            {
                await ShowAsync($"{settings.Vm} is restarting… {Math.Ceiling(left.TotalSeconds):0} s", whole, cancellationToken).ConfigureAwait(false);
                (owed, whole) = (false, false);
            }

            var attempt = await TryConsoleAsync(dead, left, cancellationToken).ConfigureAwait(false);
            if (attempt.Console is not null)
            {
                metrics?.Swapped();
                long heldMs = (long)time.GetElapsedTime(started).TotalMilliseconds;
                TunnelLog.Swapped(logger, connection, tunnel, settings.Vm, dead.Connection.Console.Location.HostHeader,
                    attempt.Console.Connection.Console.Location.HostHeader, heldMs);
                return (attempt.Console, null);
            }

            if (attempt.Final is { } final)
            {
                await ShowAsync(final, whole: true, cancellationToken).ConfigureAwait(false);
                return (null, final);
            }

            _lastFailure = attempt.Failure ?? _lastFailure;
            // Answer the viewer's requests with the countdown while waiting for the next attempt.
            var wait = settings.RetryInterval;
            var until = time.GetTimestamp();
            while (time.GetElapsedTime(until) < wait)
            {
                if (await _pump.WaitForRequestAsync(wait - time.GetElapsedTime(until), time, cancellationToken).ConfigureAwait(false))
                {
                    owed = true;
                    whole |= _pump.Messages.LastRequest is { Incremental: false };
                    if (whole)
                    {
                        break;
                    }
                }
            }
        }
    }

    /// <summary>The hold's time is up: counted, and said with the last reason the console was not there.</summary>
    private string HoldTimedOut()
    {
        metrics?.HoldTimedOut();
        return $"VM '{settings.Vm}' did not come back within {settings.Hold.TotalSeconds:0} s: {_lastFailure}";
    }

    private async Task ShowAsync(string text, bool whole, CancellationToken cancellationToken)
    {
        var format = _pump.Messages.PixelFormat ?? settings.ServerInit.ServerFormat;
        await WriteViewerAsync(StatusFrame.Update(text, _screen.Width, _screen.Height, format, whole), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One attempt at the console: dialled, its handshake done and the viewer's state replayed within the time left.
    /// A VM that is halted or suspended is final, and so is the same console object as before (it did not go away);
    /// anything else (no console yet, a stale location, a refused CONNECT) is tried again.
    /// </summary>
    private async Task<(ConsoleLeg? Console, string? Final, string? Failure)> TryConsoleAsync(ConsoleLeg dead, TimeSpan left, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(left);
        ConsoleConnection? connection = null;
        try
        {
            connection = await dial(deadline.Token).ConfigureAwait(false);
            if (connection.Console.Console.Ref == dead.Connection.Console.Console.Ref)
            {
                // The console object outlived the connection: the VM neither rebooted nor moved; the console itself
                // dropped this viewer (qemu does so when another viewer asks to be alone). Closed, as without holding.
                return (null, $"the console of VM '{settings.Vm}' closed this connection (another viewer may have asked for it alone)", null);
            }

            var leg = await SwapAsync(connection, deadline.Token).ConfigureAwait(false);
            connection = null;
            return (leg, null, null);
        }
        catch (ConsoleResolutionException ex) when (ex.Failure == ConsoleResolutionFailure.VmNotRunning && ex.PowerState is "Halted" or "Suspended")
        {
            return (null, ex.Message, null);
        }
        catch (XcpTunnelException ex)
        {
            return (null, null, ex.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, null, "timed out opening its new console");
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The new console's RFB handshake, then what makes it serve this viewer as the old one did: the viewer's pixel
    /// format (its own, or the first console's, which the viewer still assumes), its encodings, a resize the viewer
    /// is told of, and a full update request, since the viewer's screen shows the countdown.
    /// </summary>
    /// <exception cref="ConsoleRfbException">The new console's handshake failed, or the viewer cannot follow its new size.</exception>
    private async Task<ConsoleLeg> SwapAsync(ConsoleConnection connection, CancellationToken cancellationToken)
    {
        var stream = connection.Stream;
        await ConsoleRfbHandshake.NegotiateAsync(stream, settings.RfbMessage, time, cancellationToken).ConfigureAwait(false);
        var (init, _) = await ConsoleRfbHandshake.InitialiseAsync(stream, settings.Shared, settings.RfbMessage, time, cancellationToken).ConfigureAwait(false);
        if ((init.Width, init.Height) != _screen)
        {
            await ResizeViewerAsync(init.Width, init.Height, cancellationToken).ConfigureAwait(false);
        }

        var format = _pump.Messages.PixelFormat ?? settings.ServerInit.ServerFormat;
        byte[] setPixelFormat = new byte[4 + RfbPixelFormat.WireLength];
        format.WriteTo(setPixelFormat.AsSpan(4));
        byte[] request = new byte[10];
        request[0] = 3;
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(6), (ushort)_screen.Width);
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(8), (ushort)_screen.Height);
        byte[] replay = [.. setPixelFormat, .. _pump.Messages.Replacement ?? [], .. request];
        await stream.WriteAsync(replay, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);

        // A new console starts new zlib streams: the viewer's Tight streams are reset with its first Tight rectangle.
        return new ConsoleLeg(connection, new RfbServerMessageTracker(format) { ResetTightStreams = true });
    }

    /// <summary>
    /// Tells the viewer its screen is now <paramref name="width"/>×<paramref name="height"/>, with ExtendedDesktopSize
    /// or DesktopSize (RFC 6143 §7.8.2), whichever it asked for; a viewer that asked for neither cannot follow.
    /// </summary>
    private async Task ResizeViewerAsync(int width, int height, CancellationToken cancellationToken)
    {
        bool extended = _pump.Messages.Advertises(RfbEncodings.ExtendedDesktopSize);
        if (!extended && !_pump.Messages.Advertises(RfbEncodings.DesktopSize))
        {
            throw new ConsoleRfbException(
                $"the new console's screen is {width}×{height}, not {_screen.Width}×{_screen.Height}, and the viewer cannot be resized (it asked for no DesktopSize)");
        }

        // FramebufferUpdate of one rectangle: x (reason 0: the server's change), y (status 0), the size, the pseudo-encoding;
        // ExtendedDesktopSize adds one screen covering it all.
        byte[] update = new byte[4 + 12 + (extended ? 4 + 16 : 0)];
        BinaryPrimitives.WriteUInt16BigEndian(update.AsSpan(2), 1);
        BinaryPrimitives.WriteUInt16BigEndian(update.AsSpan(8), (ushort)width);
        BinaryPrimitives.WriteUInt16BigEndian(update.AsSpan(10), (ushort)height);
        BinaryPrimitives.WriteInt32BigEndian(update.AsSpan(12), extended ? RfbEncodings.ExtendedDesktopSize : RfbEncodings.DesktopSize);
        if (extended)
        {
            update[16] = 1;
            BinaryPrimitives.WriteUInt16BigEndian(update.AsSpan(20 + 8), (ushort)width);
            BinaryPrimitives.WriteUInt16BigEndian(update.AsSpan(20 + 10), (ushort)height);
        }

        await WriteViewerAsync(update, cancellationToken).ConfigureAwait(false);
        _screen = (width, height);
    }
}
