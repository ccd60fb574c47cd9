using XcpTunnel.Protocol.Rfb.Relay;
using XcpTunnel.Protocol.Streams;

namespace XcpTunnel.Tunnels.Hold;

/// <summary>
/// The viewer-to-console direction of a holding relay, for the whole life of the viewer's connection: it reads the
/// viewer, follows its messages (<see cref="RfbClientMessageTracker"/>) and passes them to the console attached now;
/// while none is (the hold), it swallows them and signals each FramebufferUpdateRequest to the status frames. A message
/// is sent whole to one console or to none: one that started before a swap is not finished on the new console.
/// </summary>
internal sealed class ViewerPump(Stream viewer, RfbClientMessageTracker tracker, Action<int> carried)
{
    private TaskCompletionSource _request = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile ConsoleLeg? _console;
    private ConsoleLeg? _messageConsole;

    /// <summary>The viewer's messages as followed so far (its pixel format, encodings, last request).</summary>
    public RfbClientMessageTracker Messages => tracker;

    /// <summary>Sends the viewer's messages to <paramref name="console"/> from the next message on; null holds them.</summary>
    public void Attach(ConsoleLeg? console) => _console = console;

    /// <summary>The console the viewer's messages go to now; null while holding.</summary>
    public ConsoleLeg? Attached => _console;

    /// <summary>Completes when the viewer sent a FramebufferUpdateRequest while no console was attached.</summary>
    /// <returns>True for a request (taken: the next wait waits for another), false when <paramref name="timeout"/> passed first.</returns>
    public async Task<bool> WaitForRequestAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var request = Volatile.Read(ref _request);
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(timeout, time, timer.Token);
        var first = await Task.WhenAny(request.Task, delay).ConfigureAwait(false);
        await timer.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (first != request.Task)
        {
            return false;
        }

        Interlocked.CompareExchange(ref _request, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), request);
        return true;
    }

    /// <summary>Reads the viewer until it closes (returns null) or fails (returns the error); cancellation ends it quietly.</summary>
    public async Task<Exception?> RunAsync(CancellationToken cancellationToken)
    {
        var copy = await ChunkCopy.CopyAsync(viewer, new Delivery(this), TunnelConnectionHandler.CopyBufferBytes, cancellationToken).ConfigureAwait(false);
        return copy.Error;
    }

    private async ValueTask PassAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        carried(data.Length);
        while (!data.IsEmpty)
        {
            if (tracker.AtBoundary)
            {
                _messageConsole = _console;
            }

            // Message by message while holding or while a message that began before a swap runs out.
            ConsoleLeg? target = _messageConsole;
            bool oneMessage = target is null || target != _console;
            var segment = tracker.Next(data.Span, oneMessage);
            var consumed = data[..segment.Length];
            data = data[segment.Length..];
            if (target is not null)
            {
                if (segment.Kind == RfbClientSegmentKind.Forward)
                {
                    await target.SendAsync(consumed, cancellationToken).ConfigureAwait(false);
                }
                else if (segment.Kind == RfbClientSegmentKind.Replaced)
                {
                    await target.SendAsync(tracker.Replacement, cancellationToken).ConfigureAwait(false);
                }

                if (tracker.Completed == 0 && tracker.PixelFormat is { } format)
                {
                    target.PixelFormatSent(format);
                }
            }
            else if (tracker.Completed == 3)
            {
                // Held: only update requests matter, for the status frames; one pending is as good as many.
                Volatile.Read(ref _request).TrySetResult();
            }
        }
    }

    private readonly struct Delivery(ViewerPump pump) : IChunkSink
    {
        public ValueTask DeliverAsync(Memory<byte> chunk, CancellationToken cancellationToken) => pump.PassAsync(chunk, cancellationToken);
    }
}
