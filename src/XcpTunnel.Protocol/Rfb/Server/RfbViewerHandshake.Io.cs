namespace XcpTunnel.Protocol.Rfb.Server;

public sealed partial class RfbViewerHandshake
{
    /// <summary>
    /// Fills <paramref name="buffer"/> from the viewer within <paramref name="timeout"/>; the byte read while it
    /// awaited the verdict, if any, comes first. <paramref name="what"/> names the message for errors.
    /// </summary>
    private async ValueTask ReadExactlyAsync(Memory<byte> buffer, string what, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, _options.TimeProvider);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        int done = 0;
        try
        {
            if (_pendingRead is { } pending)
            {
                _pendingRead = null;
                if (await pending.WaitAsync(deadline.Token).ConfigureAwait(false) == 0)
                {
                    throw Left(what, done, buffer.Length);
                }

                buffer.Span[0] = _pendingByte[0];
                done = 1;
            }

            while (done < buffer.Length)
            {
                int read = await Stream.ReadAsync(buffer[done..], deadline.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    throw Left(what, done, buffer.Length);
                }

                done += read;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RfbViewerException(
                RfbViewerFailure.TimedOut,
                $"the viewer sent no {what} within {timeout.TotalSeconds:0.###} s" + (done > 0 ? $" ({done} of {buffer.Length} bytes)" : ""));
        }
        catch (IOException ex)
        {
            throw new RfbViewerException(RfbViewerFailure.Left, $"the viewer's connection failed during its {what}: {ex.Message}", ex);
        }
    }

    private async ValueTask WriteAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(_options.MessageTimeout, _options.TimeProvider);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            await Stream.WriteAsync(message, deadline.Token).ConfigureAwait(false);
            await Stream.FlushAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RfbViewerException(
                RfbViewerFailure.TimedOut, $"the viewer read nothing of the handshake for {_options.MessageTimeout.TotalSeconds:0.###} s");
        }
        catch (IOException ex)
        {
            throw new RfbViewerException(RfbViewerFailure.Left, $"the viewer's connection failed: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Starts reading the viewer's next byte while it waits for the verdict. A viewer sends nothing then (its next
    /// message, ClientInit or its choice of security type, follows the verdict), so the read ends only when the
    /// viewer leaves, which cancels <see cref="ViewerGone"/>, or when it speaks early, whose byte the next read
    /// takes first. The read is never cancelled: cancelling a read may leave a TLS stream unusable.
    /// </summary>
    private void WatchForDeparture()
    {
        _pendingRead = Stream.ReadAsync(_pendingByte).AsTask();
        _ = _pendingRead.ContinueWith(
            static (read, state) =>
            {
                // Reading Exception marks a failure as seen: it is how a disposed stream ends this read.
                if (read.Exception is not null || read.IsCanceled || read.Result == 0)
                {
                    var gone = (CancellationTokenSource)state!;
                    try
                    {
                        gone.Cancel();
                    }
                    catch (ObjectDisposedException)
                    {
                        // The handshake ended first; nobody is listening any more.
                    }
                }
            },
            _gone,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private static RfbViewerException Left(string what, int done, int length) =>
        new(RfbViewerFailure.Left, $"the viewer closed the connection during its {what}" + (done > 0 ? $" ({done} of {length} bytes)" : ""));
}
